//! The team's ARM emulator (`arm_emulator.py` of the independent tools, Python standard library
//! only), started per test on a free loopback port for the tests that talk to "Azure":
//! `publish`, `audit --from-azure` and `catalog pull`. Without the tool a test prints SKIPPED,
//! except under `CI=true`, where that fails (`require_shared_tool`).

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The emulator's tenant, client and secret: the `AZURE_*` client credentials it accepts.
pub const TENANT: &str = "11111111-1111-1111-1111-111111111111";
pub const CLIENT: &str = "00000000-0000-0000-0000-0000000000c1";
pub const SECRET: &str = "emulator-secret";

/// The sign-in variables of the other credential kinds, removed so that the one a test gives
/// is the one used, whatever the machine running the tests has set.
const OTHER_CREDENTIALS: [&str; 6] = [
    "AZURE_FEDERATED_TOKEN_FILE",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID",
    "IDENTITY_ENDPOINT",
    "MSI_ENDPOINT",
];

/// A running emulator; stopped (by its process id) when dropped, with the files it reads.
pub struct Emulator {
    child: Child,
    pub url: String,
    _config: Option<tempfile::NamedTempFile>,
    _data: Option<tempfile::TempDir>,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Emulator {
    /// Starts one with `config` (its `--config` file: hierarchy, seed, options).
    pub fn start_config(config: &Value) -> Option<Emulator> {
        let script = charter_test_support::require_shared_tool("arm_emulator.py")?;
        let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
        file.write_all(config.to_string().as_bytes())
            .expect("write the config");
        let (child, url) = spawn(&script, Some(file.path()));
        Some(Emulator {
            child,
            url,
            _config: Some(file),
            _data: None,
        })
    }

    /// Starts one whose models list comes from the reference catalog with `edit` applied to
    /// `models.csv`. The emulator reads `../reference/` next to its script, so the script and
    /// the data are copied into a temporary tree of the same shape.
    pub fn start_with_models(edit: impl Fn(&str) -> String) -> Option<Emulator> {
        let script = charter_test_support::require_shared_tool("arm_emulator.py")?;
        let reference = charter_test_support::require_shared_reference("models.csv")?
            .parent()
            .expect("the reference folder")
            .to_path_buf();
        let data = tempfile::tempdir().expect("a temporary directory");
        let tools = data.path().join("tools");
        let copy = data.path().join("reference");
        std::fs::create_dir_all(&tools).expect("tools/");
        std::fs::create_dir_all(&copy).expect("reference/");
        std::fs::copy(&script, tools.join("arm_emulator.py")).expect("copy the emulator");
        let models = std::fs::read_to_string(reference.join("models.csv")).expect("models.csv");
        std::fs::write(copy.join("models.csv"), edit(&models)).expect("write models.csv");
        std::fs::copy(
            reference.join("model_regions.csv"),
            copy.join("model_regions.csv"),
        )
        .expect("copy model_regions.csv");
        std::os::unix::fs::symlink(reference.join("azure-policy"), copy.join("azure-policy"))
            .expect("link azure-policy/");
        let (child, url) = spawn(&tools.join("arm_emulator.py"), None);
        Some(Emulator {
            child,
            url,
            _config: None,
            _data: Some(data),
        })
    }

    /// Signs `command` in to the emulator as its client, with `secret` (or, with `None`, no
    /// secret at all), and points the authority at it; other credential kinds are removed.
    pub fn sign_in(&self, command: &mut Command, secret: Option<&str>) {
        command
            .env("AZURE_TENANT_ID", TENANT)
            .env("AZURE_CLIENT_ID", CLIENT)
            .env("AZURE_AUTHORITY_HOST", &self.url)
            .env("NO_COLOR", "1");
        match secret {
            Some(secret) => command.env("AZURE_CLIENT_SECRET", secret),
            None => command.env_remove("AZURE_CLIENT_SECRET"),
        };
        for variable in OTHER_CREDENTIALS {
            command.env_remove(variable);
        }
    }

    /// A call to the emulator's control API (`/_emulator/...`).
    pub fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let address = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).expect("connect to the emulator");
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("send");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read");
        let (_, json) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
        serde_json::from_str(json).unwrap_or(Value::Null)
    }
}

/// Runs the emulator script on a free port and reads the address it prints.
fn spawn(script: &Path, config: Option<&Path>) -> (Child, String) {
    let mut command = Command::new("python3");
    command.arg(script).args(["--port", "0", "--print-port"]);
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs the emulator");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the emulator prints its address");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();
    (child, url)
}
