/**
 * @file Tree-sitter grammar for Charter, policy-as-code for AI workloads on Azure.
 * @license MIT
 *
 * Mirrors the uniform syntax of docs/notes/0001-uniform-syntax.md: every construct is a
 * block (`keyword label? (extends path)? { entries }`), a field (`key: phrase`) or a clause
 * (`keyword phrase`). Which keys and keywords exist is the compiler schema's business, not
 * this grammar's, so the grammar stays small and cannot drift far from the pest grammar.
 *
 * Newlines are tokens here (not extras) because they end an entry: a phrase is a run of
 * values on one logical line. Inside brackets and parentheses newlines are allowed freely.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const SEP_NL = /\r?\n/;

/**
 * Zero or more newlines, for places where line breaks carry no meaning.
 * @param {GrammarSymbols<string>} $
 */
const nls = ($) => repeat($._newline);

/**
 * `open item (, item)* ,? close`, where newlines may appear around every item and comma.
 * @param {GrammarSymbols<string>} $
 * @param {string} open
 * @param {RuleOrLiteral} item
 * @param {string} close
 */
function bracketed($, open, item, close) {
  return seq(
    open,
    nls($),
    optional(
      seq(
        item,
        repeat(seq(nls($), ',', nls($), item)),
        nls($),
        optional(seq(',', nls($))),
      ),
    ),
    close,
  );
}

module.exports = grammar({
  name: 'charter',

  word: ($) => $.identifier,

  // Horizontal whitespace and comments may appear anywhere; newlines are significant.
  extras: ($) => [/[ \t\f\r\uFEFF]/, $.doc_comment, $.line_comment, $.block_comment],

  // Block comments nest (`/* a /* b */ c */`), which needs a counter: see src/scanner.c.
  externals: ($) => [$.block_comment],

  // `endpoint e` then a newline is a clause, unless the next line starts with the block's `{`:
  // the parser tries both and keeps the one that the next token allows.
  conflicts: ($) => [[$.block, $.path], [$.block, $._value]],

  rules: {
    source_file: ($) => seq(nls($), optional(seq($.block, repeat(seq(nls($), $.block)), nls($)))),

    // block := keyword label? ("extends" path)? "{" entry* "}"
    block: ($) =>
      seq(
        field('keyword', $.identifier),
        optional(field('label', choice($.identifier, $.string))),
        optional(seq('extends', field('extends', $.path))),
        // The `{` may start the next line (the formatter moves it back).
        nls($),
        field('body', $.block_body),
      ),

    // Entries are separated by newlines or commas.
    block_body: ($) =>
      seq(
        '{',
        repeat($._separator),
        optional(seq($._entry, repeat(seq(repeat1($._separator), $._entry)), repeat($._separator))),
        '}',
      ),

    _separator: ($) => choice(',', $._newline),

    _entry: ($) => choice($.block, $.field, $.clause),

    // field := key ":" phrase
    field: ($) => seq(field('key', $.identifier), ':', field('value', $.phrase)),

    // clause := keyword phrase (no colon)
    clause: ($) => seq(field('keyword', $.identifier), field('phrase', $.phrase)),

    // phrase := value+, on one line
    phrase: ($) => repeat1($._value),

    _value: ($) => choice($.string, $.number, $.date, $.path, $.call, $.list),

    // path := ident ("." ident)*
    path: ($) => seq($.identifier, repeat(seq(token.immediate('.'), $.identifier))),

    // call := ident "(" (value ("," value)*)? ")"
    call: ($) =>
      seq(field('function', $.identifier), field('arguments', $.arguments)),

    arguments: ($) => bracketed($, '(', $._value, ')'),

    // list := "[" (value ("," value)* ","?)? "]"
    list: ($) => bracketed($, '[', $._value, ']'),

    // A number and the unit written after it: `100`, `80%`, `2000 USD`, `90 days`, `300 units`.
    number: ($) => seq(field('digits', $.digits), optional(field('unit', $.unit))),

    digits: () => /[0-9]+(\.[0-9]+)?/,

    unit: ($) =>
      choice(
        token.immediate('%'),
        $._currency,
        'day',
        'days',
        'week',
        'weeks',
        'month',
        'months',
        'year',
        'years',
        'unit',
        'units',
      ),

    // An ISO 4217 code: three upper-case letters. Preferred over an identifier after a number.
    _currency: () => token(prec(1, /[A-Z]{3}/)),

    // YYYY-MM-DD. Month and day ranges are checked here; day-of-month per month is the
    // checker's job (`2027-02-30` is reported by the compiler).
    date: () => token(/[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])/),

    string: ($) =>
      seq(
        '"',
        repeat(choice($.string_content, $.escape_sequence)),
        token.immediate('"'),
      ),

    string_content: () => token.immediate(prec(1, /[^"\\\r\n]+/)),

    escape_sequence: () => token.immediate(/\\(["\\nt]|u\{[0-9A-Fa-f]{1,6}\})/),

    identifier: () => /[A-Za-z_][A-Za-z0-9_]*/,

    // A doc comment attaches to the next block, field or clause.
    doc_comment: () => token(prec(2, seq('///', /[^\r\n]*/))),

    line_comment: () => token(prec(1, seq('//', /[^\r\n]*/))),

    _newline: () => SEP_NL,
  },
});
