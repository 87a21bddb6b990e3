//! GitHub Actions workflow commands (`::error file=…,line=…::message`): GitHub shows each as an
//! annotation on the pull request's line and in the run's summary. Escaping as the Actions
//! toolkit does it (`@actions/core`, `command.ts`): `%`, CR and LF in the message; also `:`
//! and `,` in property values.

use super::ci::{Annotation, Level};

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command per annotation, each on its own line.
pub fn to_string(annotations: &[Annotation]) -> String {
    let mut out = String::new();
    for annotation in annotations {
        let command = match annotation.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let mut properties = Vec::new();
        if let Some(file) = &annotation.file {
            properties.push(format!("file={}", escape_property(file)));
        }
        if let Some((line, column)) = annotation.start {
            properties.push(format!("line={line}"));
            properties.push(format!("col={column}"));
        }
        if let Some((line, column)) = annotation.end {
            properties.push(format!("endLine={line}"));
            // GitHub reads a column range only on one line.
            if annotation.start.map(|(start, _)| start) == Some(line) {
                properties.push(format!("endColumn={column}"));
            }
        }
        properties.push(format!("title={}", escape_property(&annotation.title)));
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            escape_data(&annotation.message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_actions_toolkit_does() {
        let annotation = Annotation {
            level: Level::Error,
            file: Some("a,b:c.charter".into()),
            start: Some((2, 3)),
            end: Some((2, 7)),
            code: Some("E0102".into()),
            title: "E0102 unknown model".into(),
            message: "100% wrong\nhelp: fix it".into(),
        };
        assert_eq!(
            to_string(&[annotation]),
            "::error file=a%2Cb%3Ac.charter,line=2,col=3,endLine=2,endColumn=7,title=E0102 unknown model::100%25 wrong%0Ahelp: fix it\n"
        );
    }
}
