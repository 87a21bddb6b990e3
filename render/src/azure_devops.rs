//! Azure Pipelines logging commands (`##vso[task.logissue type=error;sourcepath=…]message`):
//! each becomes an error or warning of the run, with its file and line. Escaping as the agent
//! reads it (azure-pipelines-task-lib, `taskcommand.ts`): `%` as `%AZP25`, CR and LF in the
//! message; also `;` and `]` in property values.

use super::ci::{Annotation, Level};

fn escape_data(text: &str) -> String {
    text.replace('%', "%AZP25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(';', "%3B").replace(']', "%5D")
}

/// One logging command per annotation, each on its own line.
pub fn to_string(annotations: &[Annotation]) -> String {
    let mut out = String::new();
    for annotation in annotations {
        let kind = match annotation.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let mut properties = vec![format!("type={kind}")];
        if let Some(file) = &annotation.file {
            properties.push(format!("sourcepath={}", escape_property(file)));
        }
        if let Some((line, column)) = annotation.start {
            properties.push(format!("linenumber={line}"));
            properties.push(format!("columnnumber={column}"));
        }
        if let Some(code) = &annotation.code {
            properties.push(format!("code={}", escape_property(code)));
        }
        out.push_str(&format!(
            "##vso[task.logissue {};]{}\n",
            properties.join(";"),
            escape_data(&format!("{}: {}", annotation.title, annotation.message))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_agent_reads_it() {
        let annotation = Annotation {
            level: Level::Warning,
            file: Some("p;a]th.charter".into()),
            start: Some((4, 1)),
            end: Some((4, 9)),
            code: Some("E0309".into()),
            title: "E0309 deprecated version".into(),
            message: "50% done\nhelp: move on".into(),
        };
        assert_eq!(
            to_string(&[annotation]),
            "##vso[task.logissue type=warning;sourcepath=p%3Ba%5Dth.charter;linenumber=4;columnnumber=1;code=E0309;]E0309 deprecated version: 50%AZP25 done%0Ahelp: move on\n"
        );
    }
}
