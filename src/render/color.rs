//! When to colour output, as users of command-line tools expect: `--color always|never` wins;
//! otherwise (`auto`) `NO_COLOR` (when set and not empty) turns colour off, `CLICOLOR_FORCE`
//! (when set and not `0`) turns it on even into a pipe, `CLICOLOR=0` turns it off, and
//! otherwise a stream is coloured when it is a terminal that is not `TERM=dumb`. This is the
//! precedence of anstream (clap's terminal layer), so `charter --help` and `charter check`
//! agree; the environment is read with anstyle-query, the crate anstream reads it with, except
//! that `CLICOLOR_FORCE=0` does not force colour, as the convention says (anstyle-query counts
//! any non-empty value). See <https://no-color.org> and <https://bixense.com/clicolors/>.

/// The user's `--color` choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// The colour-related environment of the process.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ColorEnvironment {
    /// `NO_COLOR` is set and not empty.
    pub no_color: bool,
    /// `CLICOLOR_FORCE` is set and not `0`.
    pub clicolor_force: bool,
    /// `CLICOLOR`: `Some(false)` for `0`, `Some(true)` for another value, `None` when unset.
    pub clicolor: Option<bool>,
    /// `TERM` is not `dumb`.
    pub term_supports_color: bool,
}

impl ColorEnvironment {
    /// Reads the variables of this process.
    pub fn from_process() -> ColorEnvironment {
        ColorEnvironment {
            no_color: anstyle_query::no_color(),
            clicolor_force: std::env::var_os("CLICOLOR_FORCE")
                .is_some_and(|value| !value.is_empty() && value != "0"),
            clicolor: anstyle_query::clicolor(),
            term_supports_color: anstyle_query::term_supports_color(),
        }
    }
}

/// Whether to colour a stream.
pub fn use_color(when: ColorWhen, is_terminal: bool, environment: &ColorEnvironment) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto if environment.no_color => false,
        ColorWhen::Auto if environment.clicolor_force => true,
        ColorWhen::Auto if environment.clicolor == Some(false) => false,
        ColorWhen::Auto => {
            is_terminal && (environment.term_supports_color || environment.clicolor == Some(true))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERMINAL: ColorEnvironment = ColorEnvironment {
        no_color: false,
        clicolor_force: false,
        clicolor: None,
        term_supports_color: true,
    };

    #[test]
    fn auto_colours_a_terminal_only() {
        assert!(use_color(ColorWhen::Auto, true, &TERMINAL));
        assert!(!use_color(ColorWhen::Auto, false, &TERMINAL));
        let dumb = ColorEnvironment {
            term_supports_color: false,
            ..TERMINAL
        };
        assert!(!use_color(ColorWhen::Auto, true, &dumb));
    }

    #[test]
    fn no_color_turns_auto_off_and_wins_over_clicolor_force() {
        let no_color = ColorEnvironment {
            no_color: true,
            clicolor_force: true,
            ..TERMINAL
        };
        assert!(!use_color(ColorWhen::Auto, true, &no_color));
        assert!(use_color(ColorWhen::Always, false, &no_color));
    }

    #[test]
    fn clicolor_force_colours_a_pipe_and_clicolor_0_turns_colour_off() {
        let forced = ColorEnvironment {
            clicolor_force: true,
            ..TERMINAL
        };
        assert!(use_color(ColorWhen::Auto, false, &forced));
        assert!(!use_color(ColorWhen::Never, false, &forced));
        let off = ColorEnvironment {
            clicolor: Some(false),
            ..TERMINAL
        };
        assert!(!use_color(ColorWhen::Auto, true, &off));
    }
}
