//! The syntax error codes (E0001..E0099): problems of shape that the parser reports. Type and
//! governance errors have their own codes in the compiler.

use crate::diagnostic::{Code, CodeInfo, Severity};

/// Something the grammar did not expect at this place.
pub const UNEXPECTED: Code = "E0001";
/// A `{`, `[` or `(` without its closing partner.
pub const UNCLOSED_DELIMITER: Code = "E0002";
/// A `}`, `]` or `)` with no opener.
pub const UNEXPECTED_CLOSER: Code = "E0003";
/// A string that runs to the end of its line.
pub const UNCLOSED_STRING: Code = "E0004";
/// A `/*` without its `*/`.
pub const UNCLOSED_COMMENT: Code = "E0005";
/// A backslash escape that is not `\" \\ \n \t \u{...}`.
pub const INVALID_ESCAPE: Code = "E0006";
/// A date that is malformed or does not exist.
pub const INVALID_DATE: Code = "E0007";
/// A word after a number that is not a unit.
pub const UNKNOWN_UNIT: Code = "E0008";
/// More nesting than the parser accepts.
pub const NESTED_TOO_DEEPLY: Code = "E0009";
/// Two entries on one line without a comma.
pub const MISSING_SEPARATOR: Code = "E0010";

/// Every syntax error code, for `charter explain` and `docs/errors.md`.
pub const ALL: &[CodeInfo] = &[
    CodeInfo {
        code: UNEXPECTED,
        severity: Severity::Error,
        title: "unexpected text",
        explanation: "The parser found something it did not expect at this place, such as a \
field without a value, a value that is not a string, number, date, name, list or scope, or a \
missing `:`. Every entry of a block is a field (`key: value`), a clause (`keyword value ...`) \
or a nested block (`keyword { ... }`); the label says what could have come here. Only this \
entry is skipped: the rest of the file is still checked.",
        failing_example: "policy contoso {\n  effect:\n}\n",
        fixed_example: "policy contoso {\n  effect: deny\n}\n",
    },
    CodeInfo {
        code: UNCLOSED_DELIMITER,
        severity: Severity::Error,
        title: "unclosed bracket",
        explanation: "A `{`, `[` or `(` has no matching `}`, `]` or `)`. For a block, the \
parser reports the `{` and resumes at the next line that starts with `filter`, `policy`, \
`workload`, `model` or `region` at column 0, so a missing `}` does not hide the rest of the \
file. Add the closing bracket where the block or list ends.",
        failing_example: "filter strict {\n  prompt { hate: low }\n\npolicy contoso {\n  effect: deny\n}\n",
        fixed_example: "filter strict {\n  prompt { hate: low }\n}\n\npolicy contoso {\n  effect: deny\n}\n",
    },
    CodeInfo {
        code: UNEXPECTED_CLOSER,
        severity: Severity::Error,
        title: "unexpected closing bracket",
        explanation: "A `}`, `]` or `)` appears where no block, list or call is open, often an \
extra `}` left after editing. Remove it, or add the opening bracket it should close.",
        failing_example: "policy contoso {\n  effect: deny\n}\n}\n",
        fixed_example: "policy contoso {\n  effect: deny\n}\n",
    },
    CodeInfo {
        code: UNCLOSED_STRING,
        severity: Severity::Error,
        title: "unclosed string",
        explanation: "A string starts with `\"` and must end with `\"` on the same line; \
strings cannot span lines. Write `\\n` for a line break inside a string.",
        failing_example: "policy contoso {\n  display_name: \"Contoso AI\n}\n",
        fixed_example: "policy contoso {\n  display_name: \"Contoso AI\"\n}\n",
    },
    CodeInfo {
        code: UNCLOSED_COMMENT,
        severity: Severity::Error,
        title: "unclosed comment",
        explanation: "A block comment starts with `/*` and ends with `*/`. Block comments nest, \
so each `/*` inside a comment needs its own `*/`. An unclosed comment would hide the rest of \
the file.",
        failing_example: "/* draft\npolicy contoso {\n  effect: deny\n}\n",
        fixed_example: "/* draft */\npolicy contoso {\n  effect: deny\n}\n",
    },
    CodeInfo {
        code: INVALID_ESCAPE,
        severity: Severity::Error,
        title: "invalid escape in a string",
        explanation: "Inside a string, a backslash starts an escape: `\\\"` (quote), `\\\\` \
(backslash), `\\n` (line break), `\\t` (tab) or `\\u{...}` (a unicode scalar value in 1 to 6 \
hexadecimal digits). Any other character after a backslash is an error, so that a Windows path \
or a regular expression is not silently changed; write `\\\\` for a backslash.",
        failing_example: "policy contoso {\n  description: \"C:\\temp\\q\"\n}\n",
        fixed_example: "policy contoso {\n  description: \"C:\\\\temp\\\\q\"\n}\n",
    },
    CodeInfo {
        code: INVALID_DATE,
        severity: Severity::Error,
        title: "invalid date",
        explanation: "Dates are written `YYYY-MM-DD` (a 4-digit year, 2-digit month and day) and \
must exist in the calendar: `2027-02-30` is rejected because February has 28 days in 2027. \
Retirement dates and exemption expiries are compared with today's date, so a wrong date would \
silently change what is allowed.",
        failing_example: "policy contoso {\n  exempt resource_group(\"rg\") until 2027-02-30 as waiver \"trial\"\n}\n",
        fixed_example: "policy contoso {\n  exempt resource_group(\"rg\") until 2027-02-28 as waiver \"trial\"\n}\n",
    },
    CodeInfo {
        code: UNKNOWN_UNIT,
        severity: Severity::Error,
        title: "unknown unit",
        explanation: "A word right after a number is its unit: `%` (written without a space, \
`80%`), a currency of three upper-case letters (`2000 USD`), a duration (`day`/`days`, \
`week(s)`, `month(s)`, `year(s)`) or capacity `unit`/`units`. Any other word there is \
reported, because a misspelt unit (`90 dayz`) would otherwise change the meaning.",
        failing_example: "policy contoso {\n  retirement_warning: 90 dayz\n}\n",
        fixed_example: "policy contoso {\n  retirement_warning: 90 days\n}\n",
    },
    CodeInfo {
        code: NESTED_TOO_DEEPLY,
        severity: Severity::Error,
        title: "nested too deeply",
        explanation: "Brackets or block comments are nested more than 100 levels deep. No \
Charter source needs that; the parser stops there instead of running out of stack, and \
reports the item as an error.",
        failing_example: concat!(
            "policy contoso {\n  regions: ",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
            "\n}\n"
        ),
        fixed_example: "policy contoso {\n  regions: [\"swedencentral\"]\n}\n",
    },
    CodeInfo {
        code: MISSING_SEPARATOR,
        severity: Severity::Error,
        title: "missing separator between entries",
        explanation: "Entries of a block are separated by a new line or a comma: \
`prompt { hate: low, sexual: low }`. Two entries on one line without a comma are ambiguous to \
a reader, so the parser asks for the separator.",
        failing_example: "filter strict extends baseline {\n  prompt { hate: low sexual: low }\n}\n",
        fixed_example: "filter strict extends baseline {\n  prompt { hate: low, sexual: low }\n}\n",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    #[test]
    fn every_example_fails_with_its_code_and_its_fix_parses() {
        for info in ALL {
            let failing = crate::parse(FileId(0), info.failing_example);
            let codes: Vec<&str> = failing.diagnostics.iter().map(|d| d.code).collect();
            assert_eq!(codes, vec![info.code], "failing example of {}", info.code);
            let fixed = crate::parse(FileId(0), info.fixed_example);
            assert!(
                fixed.diagnostics.is_empty(),
                "fixed example of {}: {:?}",
                info.code,
                fixed.diagnostics
            );
        }
    }

    #[test]
    fn codes_are_unique_and_in_order() {
        for pair in ALL.windows(2) {
            assert!(pair[0].code < pair[1].code);
        }
    }
}
