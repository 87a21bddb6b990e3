//! End-to-end tests of `charter doc` on the bundled example: the Markdown pages (snapshots),
//! the HTML (parsed without errors, every internal link resolving, nothing fetched), the SVGs
//! (well-formed XML), `--check`, determinism, `build --docs-url`, and the pages in a real
//! browser (headless Chromium, with screenshots kept under `target/doc-screenshots/`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use charter_test_support::TODAY_TEXT as TODAY;

fn charter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_charter"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run charter")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Runs `charter doc` on `project` into `out` for [`TODAY`].
fn document(project: &Path, out: &Path) {
    let output = charter(&[
        "doc",
        path_str(project),
        "-o",
        path_str(out),
        "--today",
        TODAY,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
}

fn contoso_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    document(&repo().join("examples/contoso"), &out);
    (dir, out)
}

/// Every file under `dir`, relative, sorted, with `/` separators.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("under dir");
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

#[test]
fn the_markdown_pages_of_the_example() {
    let (_dir, site) = contoso_site();
    let markdown = site.join("markdown");
    let files: Vec<String> = files_under(&markdown)
        .into_iter()
        .filter(|f| f.ends_with(".md") || f.ends_with(".order"))
        .collect();
    assert!(files.contains(&"README.md".to_owned()), "{files:?}");
    for file in files {
        let name = format!("contoso__{}", file.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, read(&markdown.join(&file)));
    }
}

#[test]
fn the_site_is_deterministic() {
    let (_first_dir, first) = contoso_site();
    let (_second_dir, second) = contoso_site();
    let files = files_under(&first);
    assert_eq!(files, files_under(&second));
    for file in &files {
        assert_eq!(
            std::fs::read(first.join(file)).expect("first"),
            std::fs::read(second.join(file)).expect("second"),
            "{file} differs between two runs"
        );
    }
}

/// The ids of the elements of an HTML page.
fn html_ids(document: &scraper::Html) -> Vec<String> {
    let selector = scraper::Selector::parse("[id]").expect("selector");
    document
        .select(&selector)
        .filter_map(|element| element.value().attr("id").map(str::to_owned))
        .collect()
}

#[test]
fn the_html_is_well_formed_self_contained_and_its_links_resolve() {
    let (_dir, site) = contoso_site();
    let html = site.join("html");
    let pages: Vec<String> = files_under(&html);
    assert!(pages.contains(&"index.html".to_owned()), "{pages:?}");
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut links: Vec<(String, String)> = Vec::new();
    let external =
        scraper::Selector::parse("script, link, img, iframe, object, embed, [src], [style]")
            .expect("selector");
    let anchors = scraper::Selector::parse("a[href]").expect("selector");
    let svg = scraper::Selector::parse("svg").expect("selector");
    for page in &pages {
        assert!(page.ends_with(".html"), "unexpected file {page}");
        let text = read(&html.join(page));
        let document = scraper::Html::parse_document(&text);
        assert!(
            document.errors.is_empty(),
            "{page} has HTML parse errors: {:?}",
            document.errors
        );
        let found = html_ids(&document);
        let unique: BTreeSet<String> = found.iter().cloned().collect();
        assert_eq!(found.len(), unique.len(), "{page} repeats an id: {found:?}");
        ids.insert(page.clone(), unique);
        assert_eq!(
            document.select(&external).count(),
            0,
            "{page} loads something from outside the page or uses inline styles"
        );
        for anchor in document.select(&anchors) {
            let href = anchor.value().attr("href").unwrap_or_default().to_owned();
            links.push((page.clone(), href));
        }
        if page == "index.html" || page.starts_with("policy-") || page.starts_with("workload-") {
            assert!(document.select(&svg).count() > 0, "{page} shows no picture");
        }
    }
    assert!(
        links.len() > 50,
        "too few links to be a site: {}",
        links.len()
    );
    for (page, href) in links {
        assert!(
            !href.contains("://") && !href.starts_with("//"),
            "{page} links outside the site: {href}"
        );
        let (file, anchor) = match href.split_once('#') {
            Some((file, anchor)) => (file, Some(anchor)),
            None => (href.as_str(), None),
        };
        let target = if file.is_empty() { page.as_str() } else { file };
        let Some(target_ids) = ids.get(target) else {
            panic!("{page} links to a missing page: {href}");
        };
        if let Some(anchor) = anchor {
            assert!(
                target_ids.contains(anchor),
                "{page} links to a missing section: {href}"
            );
        }
    }
}

#[test]
fn the_pictures_are_well_formed_svg() {
    let (_dir, site) = contoso_site();
    let images = site.join("markdown/images");
    let files = files_under(&images);
    assert!(
        files.contains(&"retirements-contoso_ai.svg".to_owned())
            && files.contains(&"regions.svg".to_owned()),
        "{files:?}"
    );
    for file in files {
        let text = read(&images.join(&file));
        let document = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "svg", "{file}");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg"),
            "{file}"
        );
        assert!(
            root.children().any(|n| n.tag_name().name() == "title"),
            "{file} has no title for screen readers"
        );
    }
    let timeline = read(&images.join("retirements-contoso_ai.svg"));
    assert!(timeline.contains(&format!("today {TODAY}")), "{timeline}");
    assert!(timeline.contains("warning horizon: 120 days"), "{timeline}");
    for version in [
        "gpt-5.6-sol 2026-07-09",
        "gpt-5.5 2026-04-24",
        "gpt-5.4-mini 2026-03-17",
        "text-embedding-3-large 1",
        "gpt-5.4-mini-2026-03-17.ft-7c1d5e9a2b4f4e0d8a6b3c2d1e0f9a8b 1",
    ] {
        assert!(
            timeline.contains(version),
            "{version} missing from the timeline"
        );
    }
}

/// GitHub's heading anchor: lower case, spaces as `-`, other punctuation but `-` and `_`
/// dropped (written here independently of the generator).
fn github_anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn the_markdown_links_resolve_to_pages_images_and_headings() {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let (_dir, site) = contoso_site();
    let markdown = site.join("markdown");
    let pages: Vec<String> = files_under(&markdown)
        .into_iter()
        .filter(|f| f.ends_with(".md"))
        .collect();
    let mut anchors: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut links: Vec<(String, String)> = Vec::new();
    for page in &pages {
        let text = read(&markdown.join(page));
        let mut heading: Option<String> = None;
        let mut found = BTreeSet::new();
        for event in Parser::new_ext(&text, Options::ENABLE_TABLES) {
            match event {
                Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(text) = heading.take() {
                        found.insert(github_anchor(&text));
                    }
                }
                Event::Text(text) | Event::Code(text) => {
                    if let Some(heading) = heading.as_mut() {
                        heading.push_str(&text);
                    }
                }
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    links.push((page.clone(), dest_url.to_string()));
                }
                Event::Html(html) | Event::InlineHtml(html) => {
                    panic!("{page} embeds HTML, which some wikis refuse: {html}")
                }
                _ => {}
            }
        }
        anchors.insert(page.clone(), found);
    }
    assert!(links.len() > 50, "too few links: {}", links.len());
    for (page, link) in links {
        assert!(
            !link.contains("://"),
            "{page} links outside the site: {link}"
        );
        let (file, anchor) = match link.split_once('#') {
            Some((file, anchor)) => (file, Some(anchor)),
            None => (link.as_str(), None),
        };
        let target = if file.is_empty() { page.as_str() } else { file };
        assert!(
            markdown.join(target).is_file(),
            "{page} links to a missing file: {link}"
        );
        if let Some(anchor) = anchor {
            let known = anchors.get(target).cloned().unwrap_or_default();
            assert!(
                known.contains(anchor),
                "{page} links to a missing heading: {link} (headings: {known:?})"
            );
        }
    }
}

/// Copies the example's sources into a fresh directory that a test may edit.
fn copy_of_contoso() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("contoso");
    let source = repo().join("examples/contoso");
    for file in files_under(&source)
        .into_iter()
        .filter(|f| f.ends_with(".charter"))
    {
        let target = project.join(&file);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(source.join(&file), target).expect("copy");
    }
    (dir, project)
}

#[test]
fn check_says_which_pages_are_stale() {
    let (dir, project) = copy_of_contoso();
    let out = dir.path().join("site");
    document(&project, &out);
    let check = |extra: &[&str]| {
        let mut args = vec!["doc", path_str(&project), "-o", path_str(&out), "--check"];
        args.extend_from_slice(extra);
        charter(&args)
    };

    let current = check(&["--today", TODAY]);
    assert_eq!(current.status.code(), Some(0), "{}", stderr(&current));
    assert!(
        stderr(&current).contains("are current"),
        "{}",
        stderr(&current)
    );
    // Without --today, the check uses the date the pages were made for.
    let recorded = check(&[]);
    assert_eq!(recorded.status.code(), Some(0), "{}", stderr(&recorded));
    assert!(stderr(&recorded).contains(TODAY), "{}", stderr(&recorded));
    // --check writes nothing.
    let before = files_under(&out);

    let later = check(&["--today", "2027-01-15"]);
    assert_eq!(later.status.code(), Some(1), "{}", stderr(&later));

    let policy = project.join("policy.charter");
    let edited = read(&policy).replace("max_capacity: 200 units", "max_capacity: 150 units");
    std::fs::write(&policy, edited).expect("edit the policy");
    std::fs::remove_file(out.join("markdown/exemptions.md")).expect("remove a page");
    let stale = check(&[]);
    assert_eq!(stale.status.code(), Some(1), "{}", stderr(&stale));
    let message = stderr(&stale);
    assert!(
        message.contains("policy-contoso_ai.md (out of date)"),
        "{message}"
    );
    assert!(message.contains("exemptions.md (missing)"), "{message}");
    assert!(
        message.contains(&format!("--today {TODAY}")),
        "the fix names the recorded date: {message}"
    );
    assert!(
        !message.contains("filters.md"),
        "filters did not change: {message}"
    );
    let mut after = files_under(&out);
    after.push("markdown/exemptions.md".to_owned());
    after.sort();
    assert_eq!(before, after, "--check changed the output directory");
}

#[test]
fn doc_refuses_a_project_with_errors_and_leaves_the_pages_alone() {
    let (dir, project) = copy_of_contoso();
    let out = dir.path().join("site");
    document(&project, &out);
    let before = read(&out.join("markdown/README.md"));
    std::fs::write(
        project.join("broken.charter"),
        "policy broken { effect: maybe }\n",
    )
    .expect("write");
    let output = charter(&[
        "doc",
        path_str(&project),
        "-o",
        path_str(&out),
        "--today",
        TODAY,
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("not documenting"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read(&out.join("markdown/README.md")), before);
}

#[test]
fn build_links_each_message_to_its_section_of_the_denied_page() {
    let (dir, site) = contoso_site();
    let out = dir.path().join("out");
    let output = charter(&[
        "build",
        path_str(&repo().join("examples/contoso")),
        "-o",
        path_str(&out),
        "--today",
        TODAY,
        "--docs-url",
        "https://contoso.example/ai-governance/",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let denied = scraper::Html::parse_document(&read(&site.join("html/denied-contoso_ai.html")));
    let ids: BTreeSet<String> = html_ids(&denied).into_iter().collect();
    let prefix = " Details: https://contoso.example/ai-governance/denied-contoso_ai.html#";
    let assignments = out.join("azure-policy/assignments");
    let mut checked = 0;
    for file in files_under(&assignments) {
        let body: serde_json::Value =
            serde_json::from_str(&read(&assignments.join(&file))).expect("json");
        for entry in body["properties"]["nonComplianceMessages"]
            .as_array()
            .expect("messages")
        {
            let message = entry["message"].as_str().expect("message");
            let (_, anchor) = message
                .split_once(prefix)
                .unwrap_or_else(|| panic!("no link in {message}"));
            assert!(ids.contains(anchor), "no section `{anchor}` on the page");
            assert_eq!(
                anchor,
                entry["policyDefinitionReferenceId"]
                    .as_str()
                    .expect("reference id")
                    .to_lowercase()
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} messages");
    let terraform = read(&out.join("terraform/policy.tf"));
    assert!(
        terraform.contains(prefix.trim_start()),
        "Terraform keeps the links"
    );

    let bad = charter(&[
        "build",
        path_str(&repo().join("examples/contoso")),
        "-o",
        path_str(&out),
        "--docs-url",
        "contoso docs",
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains("not a web address"),
        "{}",
        stderr(&bad)
    );
}

/// Debian's Chromium, if installed.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            .ok()?;
        let path = String::from_utf8_lossy(&found.stdout).trim().to_owned();
        (found.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
    })
}

/// Loads a page in headless Chromium: returns the DOM after rendering, and writes a
/// screenshot.
fn render_in_chromium(chromium: &Path, page: &Path, screenshot: &Path, profile: &Path) -> String {
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    loop {
        match child.try_wait().expect("wait for chromium") {
            Some(_) => break,
            None if started.elapsed() > Duration::from_secs(90) => {
                let _ = child.kill();
                panic!("chromium did not finish rendering {}", page.display());
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    let output = child.wait_with_output().expect("chromium output");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// How many pixels of the screenshot are close to `rgb`.
fn pixels_like(png_file: &Path, rgb: [u8; 3]) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_file).expect("open screenshot"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buffer).expect("a frame");
    let channels = info.color_type.samples();
    buffer[..info.buffer_size()]
        .chunks(channels)
        .filter(|pixel| {
            pixel.len() >= 3 && pixel[..3].iter().zip(rgb).all(|(a, b)| a.abs_diff(b) <= 12)
        })
        .count()
}

#[test]
fn the_pages_render_in_a_browser() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is not installed, and CI=true: install Debian's `chromium` package \
             (.ci/run does)"
        );
        println!("SKIPPED: chromium is not installed (apt-get install chromium)");
        return;
    };
    let (dir, site) = contoso_site();
    let screenshots = repo().join("target/doc-screenshots");
    std::fs::create_dir_all(&screenshots).expect("screenshot folder");
    let pages: [(&str, &str, &[&str], bool); 6] = [
        (
            "index",
            "AI governance",
            &[
                "Needs attention",
                "Policies",
                "Workloads",
                "Model retirements",
            ],
            true,
        ),
        (
            "policy-contoso_ai",
            "What you may deploy: Contoso AI guardrails",
            &[
                "Requirements at a glance",
                "Approved models",
                "Retirement timeline",
                "Where each model is available",
                "Allowed regions",
            ],
            true,
        ),
        (
            "workload-customer_support",
            "Workload customer_support",
            &["Budget", "Endpoints", "Apps"],
            true,
        ),
        (
            "filters",
            "Content filters",
            &["Side by side", "Filter baseline", "Filter customer_facing"],
            false,
        ),
        (
            "exemptions",
            "Exemptions",
            &["Expiring soon", "All exemptions", "Requesting an exemption"],
            false,
        ),
        (
            "denied-contoso_ai",
            "Why was I denied? Contoso AI guardrails",
            &["Assignments", "Rules that deny", "Rules that only report"],
            false,
        ),
    ];
    let h1 = scraper::Selector::parse("h1").expect("selector");
    let h2 = scraper::Selector::parse("h2").expect("selector");
    let svg_text = scraper::Selector::parse("svg text").expect("selector");
    for (page, title, headings, has_picture) in pages {
        let screenshot = screenshots.join(format!("{page}.png"));
        let _ = std::fs::remove_file(&screenshot);
        let dom = render_in_chromium(
            &chromium,
            &site.join(format!("html/{page}.html")),
            &screenshot,
            &dir.path().join(format!("profile-{page}")),
        );
        let document = scraper::Html::parse_document(&dom);
        let shown_title: Vec<String> = document
            .select(&h1)
            .map(|e| e.text().collect::<String>())
            .collect();
        assert_eq!(shown_title, vec![title.to_owned()], "{page}");
        let shown: Vec<String> = document
            .select(&h2)
            .map(|e| e.text().collect::<String>())
            .collect();
        for heading in headings {
            assert!(
                shown.iter().any(|h| h == heading),
                "{page}: heading `{heading}` not rendered; rendered: {shown:?}"
            );
        }
        assert!(
            screenshot.is_file(),
            "{page}: no screenshot at {}",
            screenshot.display()
        );
        if has_picture {
            assert!(
                document.select(&svg_text).count() > 5,
                "{page}: the SVG did not reach the DOM"
            );
            // The bars and circles are this blue: the picture was drawn, not just parsed.
            let blue = pixels_like(&screenshot, [0x2f, 0x6f, 0xb3]);
            assert!(
                blue > 2_000,
                "{page}: only {blue} pixels of the pictures' blue"
            );
        }
        println!("screenshot: {}", screenshot.display());
    }
}
