//! The project manifest, `charter.toml`, at a project's root: settings that belong to the
//! project rather than to its governance. Read with the `toml` crate; docs/manifest.md
//! describes every key.
//!
//! ```toml
//! [project]
//! name = "contoso-ai-governance"
//! owner = "6f1d3c2e-8a4b-4c1d-9e7f-2b5a8c9d0e1f"
//! ignore = ["drafts"]
//!
//! [azure]
//! # Put in front of globally unique Azure names (AI accounts and their custom subdomains).
//! name_prefix = "contoso"
//! cloud = "AzureCloud"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The manifest's file name.
pub const FILE_NAME: &str = "charter.toml";

/// The longest naming prefix: account names are at most 64 characters, and the prefix should
/// leave most of them to the workload, endpoint and region.
const MAX_PREFIX_CHARS: usize = 16;

/// A parsed `charter.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(default)]
    pub project: ProjectSection,
    #[serde(default)]
    pub azure: AzureSection,
}

/// `[project]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    /// The project's name, for people.
    pub name: Option<String>,
    /// The owner id stamped on everything `charter publish` creates (a GUID, written once by
    /// `charter init`), so that two projects publishing to one tenant never touch each other's
    /// objects.
    pub owner: Option<String>,
    /// Folders (relative to the project root, `/`-separated) whose `.charter` files are not
    /// part of the project, besides the ones always skipped (hidden ones, `target`,
    /// `node_modules`, `out`).
    #[serde(default)]
    pub ignore: Vec<String>,
}

/// `[azure]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureSection {
    /// Put in front of every globally unique Azure name Charter derives.
    pub name_prefix: Option<String>,
    /// The Azure cloud the project publishes to (its Resource Manager endpoint).
    pub cloud: Option<Cloud>,
}

/// An Azure cloud, by the name `az cloud list` gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Cloud {
    AzureCloud,
    AzureUSGovernment,
    AzureChinaCloud,
}

impl Cloud {
    /// The cloud's Azure Resource Manager endpoint, as the Azure SDKs list them (azure_core's
    /// `resource_manager_endpoint` module; azure-sdk-for-js `cloudSettingHelpers.ts`).
    pub fn arm_endpoint(self) -> &'static str {
        match self {
            Cloud::AzureCloud => "https://management.azure.com",
            Cloud::AzureUSGovernment => "https://management.usgovcloudapi.net",
            Cloud::AzureChinaCloud => "https://management.chinacloudapi.cn",
        }
    }
}

impl Manifest {
    /// The naming settings the compiler takes.
    pub fn naming(&self) -> charter_ir::Naming {
        charter_ir::Naming {
            prefix: self.azure.name_prefix.clone(),
        }
    }

    /// The ignored folders, as paths relative to the project root.
    pub fn ignored(&self) -> Vec<PathBuf> {
        self.project
            .ignore
            .iter()
            .map(|folder| folder.trim_end_matches('/').split('/').collect())
            .collect()
    }
}

/// The manifest `charter init` writes: the project's name, a fresh owner id, the public cloud.
pub fn starter(name: &str, owner: &str) -> String {
    let name = name.replace(['"', '\\'], "");
    format!(
        "# The project manifest: settings of the project rather than of its governance\n\
         # (every key is described in Charter's docs/manifest.md).\n\
         \n\
         [project]\n\
         name = \"{name}\"\n\
         # Stamped on every object `charter publish` creates; keep it as it is.\n\
         owner = \"{owner}\"\n\
         # Folders whose .charter files are not part of the project.\n\
         ignore = []\n\
         \n\
         [azure]\n\
         cloud = \"AzureCloud\"\n\
         # Put in front of globally unique Azure names (AI accounts and their subdomains).\n\
         # name_prefix = \"contoso\"\n"
    )
}

/// A fresh owner id (a random, version 4 UUID).
pub fn new_owner_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// The manifest of the project rooted at `root` (a directory, or a file whose directory is the
/// root), or `None` when there is none. A manifest that cannot be read or parsed, or that
/// breaks a rule, is an error naming the file, line and column.
pub fn load(root: &Path) -> Result<Option<Manifest>, String> {
    let directory: PathBuf = if root.is_file() {
        root.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        root.to_path_buf()
    };
    let path = directory.join(FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("cannot read `{}`: {error}", path.display())),
    };
    parse(&text)
        .map(Some)
        .map_err(|problem| format!("{}:{problem}", path.display()))
}

/// Parses a manifest's text; an error starts with `LINE:COLUMN: `.
pub fn parse(text: &str) -> Result<Manifest, String> {
    let manifest: Manifest = toml::from_str(text).map_err(|error| {
        let (line, column) = error
            .span()
            .map(|span| line_column(text, span.start))
            .unwrap_or((1, 1));
        format!("{line}:{column}: {}", error.message())
    })?;
    if let Some(prefix) = &manifest.azure.name_prefix {
        if let Some(problem) = prefix_problem(prefix) {
            let offset = text.find("name_prefix").unwrap_or(0);
            let (line, column) = line_column(text, offset);
            return Err(format!(
                "{line}:{column}: invalid `name_prefix` `{prefix}`: {problem}; use 1 to \
                 {MAX_PREFIX_CHARS} lower-case letters and digits, such as \"contoso\""
            ));
        }
    }
    if let Some(owner) = &manifest.project.owner {
        if uuid::Uuid::try_parse(owner).is_err() || owner.len() != 36 {
            let (line, column) = line_column(text, text.find("owner").unwrap_or(0));
            return Err(format!(
                "{line}:{column}: invalid `owner` `{owner}`: it must be a GUID such as \
                 \"6f1d3c2e-8a4b-4c1d-9e7f-2b5a8c9d0e1f\"; `charter init` writes a fresh one"
            ));
        }
    }
    for folder in &manifest.project.ignore {
        let bad = folder.is_empty()
            || folder.starts_with('/')
            || folder.contains('\\')
            || folder.split('/').any(|part| part == ".." || part == ".");
        if bad {
            let (line, column) = line_column(text, text.find("ignore").unwrap_or(0));
            return Err(format!(
                "{line}:{column}: invalid `ignore` entry `{folder}`: name a folder inside the \
                 project, relative to its root with `/` separators, such as \"drafts\""
            ));
        }
    }
    Ok(manifest)
}

/// Why a naming prefix cannot start every AI account name (a DNS label: lower-case letters,
/// digits and inner hyphens).
fn prefix_problem(prefix: &str) -> Option<String> {
    if prefix.is_empty() {
        return Some("it is empty".to_string());
    }
    if prefix.chars().count() > MAX_PREFIX_CHARS {
        return Some(format!("it is longer than {MAX_PREFIX_CHARS} characters"));
    }
    if let Some(bad) = prefix
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!("it contains `{}`", bad.escape_default()));
    }
    if prefix.starts_with('-') || prefix.ends_with('-') {
        return Some("it starts or ends with `-`".to_string());
    }
    None
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_prefix() {
        let manifest = parse("[project]\nname = \"x\"\n\n[azure]\nname_prefix = \"contoso\"\n")
            .expect("a valid manifest");
        assert_eq!(manifest.naming().prefix.as_deref(), Some("contoso"));
    }

    #[test]
    fn reports_unknown_keys_and_bad_prefixes_with_a_position() {
        let error = parse("[azure]\nname_prefx = \"c\"\n").expect_err("unknown key");
        assert!(error.starts_with("2:1: "), "{error}");
        assert!(error.contains("name_prefx"), "{error}");
        let error = parse("[azure]\nname_prefix = \"Contoso_AI\"\n").expect_err("bad prefix");
        assert!(error.starts_with("2:1: invalid `name_prefix`"), "{error}");
        assert!(error.contains("`C`"), "{error}");
    }

    #[test]
    fn reads_owner_ignore_and_cloud_and_rejects_bad_ones() {
        let owner = new_owner_id();
        let manifest = parse(&starter("demo", &owner)).expect("the starter parses");
        assert_eq!(manifest.project.owner.as_deref(), Some(owner.as_str()));
        assert_eq!(manifest.azure.cloud, Some(Cloud::AzureCloud));
        let manifest =
            parse("[project]\nignore = [\"a/b/\"]\n[azure]\ncloud = \"AzureChinaCloud\"\n")
                .expect("a valid manifest");
        assert_eq!(manifest.ignored(), vec![PathBuf::from("a/b")]);
        assert_eq!(
            manifest.azure.cloud.map(Cloud::arm_endpoint),
            Some("https://management.chinacloudapi.cn")
        );
        let error = parse("[project]\nowner = \"abc\"\n").expect_err("not a GUID");
        assert!(error.starts_with("2:1: invalid `owner`"), "{error}");
        let error = parse("[project]\nignore = [\"../x\"]\n").expect_err("outside");
        assert!(error.starts_with("2:1: invalid `ignore`"), "{error}");
        let error = parse("[azure]\ncloud = \"Moon\"\n").expect_err("unknown cloud");
        assert!(error.contains("AzureCloud"), "{error}");
    }
}
