//! shiyi (释义) compiles directives, the laws they cite and their annotations,
//! written as Markdown with YAML front matter under `content/`, into a static
//! study website.
//!
//! The pipeline runs one way, each stage a module with its own types:
//!
//! ```text
//! load::load(root)            -> Loaded     read site.yaml and content/ (walkdir, front matter)
//! Loaded::resolve(options)    -> Resolved   clause trees and ids, attachments, order; diagnostics
//! Resolved::render(&Theme)    -> Rendered   Markdown → HTML (pulldown-cmark), Tera templates
//! Rendered::write(out)        -> ()         atomic swap into output/
//! ```
//!
//! [`check`] renders into memory and stops there (the preview server serves
//! that, and renders single changed pages on top of it with [`incremental`]). [`build`] renders through [`render::render_into`] straight into an
//! [`output::Staging`] folder, page by page, and swaps it in: the same stages,
//! without holding the whole site in memory.

pub mod clause;
pub mod compare;
pub mod config;
pub mod diagnostic;
pub mod frontmatter;
pub mod import;
pub mod incremental;
pub mod load;
pub mod markdown;
pub mod output;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod theme;
pub mod timings;
pub mod url_safety;
pub mod yaml;

use std::collections::HashMap;
use std::path::PathBuf;

use diagnostic::{Diagnostic, has_errors};
use load::Loaded;
use render::Rendered;
use resolve::{ResolveOptions, Resolved};
use theme::Theme;

impl Loaded {
    /// Resolve stage (see [`resolve::resolve`]).
    pub fn resolve(self, options: ResolveOptions) -> Resolved {
        resolve::resolve(self, options)
    }
}

impl Resolved {
    /// Render stage (see [`render::render`]).
    pub fn render(&self, theme: &Theme) -> Rendered {
        render::render(self, theme)
    }
}

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root (holds `site.yaml`, `content/`, `themes/`).
    pub root: PathBuf,
    /// The output folder (`ROOT/output` by default).
    pub output: Option<PathBuf>,
    /// Include drafts.
    pub drafts: bool,
    /// Replace an output folder that shiyi did not write (never the site,
    /// its sources, a parent of the site or the home folder).
    pub force: bool,
}

impl BuildOptions {
    /// The output folder to write.
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join("output"))
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything worked (warnings allowed).
    Success,
    /// Content errors: nothing was written.
    ContentErrors,
    /// The configuration (site.yaml, theme, output folder) is unusable.
    ConfigErrors,
}

impl Status {
    /// The process exit code: 0, 1 or 2.
    pub fn exit_code(self) -> i32 {
        match self {
            Status::Success => 0,
            Status::ContentErrors => 1,
            Status::ConfigErrors => 2,
        }
    }
}

/// The result of [`check`] or [`build`].
#[derive(Debug)]
pub struct Outcome {
    /// How it ended.
    pub status: Status,
    /// Every problem found, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Source texts, for showing diagnostics with their lines.
    pub sources: HashMap<PathBuf, String>,
    /// The rendered site (when there were no errors).
    pub rendered: Option<Rendered>,
    /// Annotation coverage of the directives (when the site resolved).
    pub coverage: Option<resolve::coverage::Coverage>,
    /// Number of output files rendered (written, for `build`).
    pub files: usize,
}

impl Outcome {
    fn config_error(diagnostics: Vec<Diagnostic>, sources: HashMap<PathBuf, String>) -> Outcome {
        Outcome { status: Status::ConfigErrors, diagnostics, sources, rendered: None, coverage: None, files: 0 }
    }

    /// Diagnostics rendered with their source lines.
    pub fn report(&self) -> String {
        diagnostic::render(&self.diagnostics, &self.sources)
    }
}

/// A site loaded and resolved, with its theme, ready to render.
struct Prepared {
    resolved: Resolved,
    theme: Theme,
    diagnostics: Vec<Diagnostic>,
    sources: HashMap<PathBuf, String>,
    coverage: Option<resolve::coverage::Coverage>,
}

/// Loads the site and its theme and resolves it; an `Err` is the final outcome
/// (configuration or content errors found before rendering).
fn prepare(options: &BuildOptions) -> Result<Prepared, Box<Outcome>> {
    let load_phase = timings::phase("load");
    let loaded = match load::load(&options.root) {
        Ok(l) => l,
        Err(e) => {
            let mut sources = HashMap::new();
            if let Some(text) = e.source {
                sources.insert(PathBuf::from(config::CONFIG_FILE), text);
            }
            return Err(Box::new(Outcome::config_error(vec![e.diagnostic], sources)));
        }
    };
    drop(load_phase);
    let config_text = loaded.sources.get(&PathBuf::from(config::CONFIG_FILE)).cloned();
    let theme = Theme::load(&options.root, &loaded.config, config_text.as_deref());
    let resolve_phase = timings::phase("resolve");
    let mut resolved = loaded.resolve(ResolveOptions { drafts: options.drafts });
    drop(resolve_phase);
    let mut sources = std::mem::take(&mut resolved.sources);
    let mut diagnostics = std::mem::take(&mut resolved.diagnostics);
    diagnostic::limits::cap_repeats(&mut diagnostics);
    let theme = match theme {
        Ok(t) => t,
        Err(error) => {
            // A theme that cannot be loaded is a configuration problem.
            diagnostics.extend(error.diagnostics);
            sources_of_diagnostics(&options.root, &diagnostics, &mut sources);
            sources.extend(error.sources);
            let status = Status::ConfigErrors;
            return Err(Box::new(Outcome { status, diagnostics, sources, rendered: None, coverage: None, files: 0 }));
        }
    };
    let coverage = Some(resolve::coverage::coverage(&resolved));
    sources_of_diagnostics(&options.root, &diagnostics, &mut sources);
    if has_errors(&diagnostics) {
        let status = Status::ContentErrors;
        return Err(Box::new(Outcome { status, diagnostics, sources, rendered: None, coverage, files: 0 }));
    }
    Ok(Prepared { resolved, theme, diagnostics, sources, coverage })
}

/// Keeps the sources of the files that have diagnostics, reading from the
/// site those not kept while loading (Markdown files): the sources of every
/// file would be a second copy of the whole site in memory.
fn sources_of_diagnostics(root: &std::path::Path, diagnostics: &[Diagnostic], sources: &mut HashMap<PathBuf, String>) {
    sources.retain(|path, _| diagnostics.iter().any(|d| d.path == *path));
    for d in diagnostics {
        if !sources.contains_key(&d.path)
            && let Ok(text) = std::fs::read_to_string(root.join(&d.path))
        {
            sources.insert(d.path.clone(), text);
        }
    }
}

/// Loads, resolves and renders in memory; writes nothing.
pub fn check(options: &BuildOptions) -> Outcome {
    check_keeping(options).0
}

/// [`check`], also handing back the resolved site and its theme when it
/// succeeded, so that a later change can be rendered on top of it (see
/// [`incremental`]).
pub fn check_keeping(options: &BuildOptions) -> (Outcome, Option<incremental::Snapshot>) {
    let Prepared { resolved, theme, mut diagnostics, mut sources, coverage } = match prepare(options) {
        Ok(p) => p,
        Err(outcome) => return (*outcome, None),
    };
    let mut rendered = resolved.render(&theme);
    diagnostics.append(&mut rendered.diagnostics);
    sources_of_diagnostics(&options.root, &diagnostics, &mut sources);
    let files = rendered.files.len();
    if has_errors(&diagnostics) {
        let outcome = Outcome { status: Status::ContentErrors, diagnostics, sources, rendered: None, coverage, files };
        return (outcome, None);
    }
    let outcome = Outcome { status: Status::Success, diagnostics, sources, rendered: Some(rendered), coverage, files };
    (outcome, Some(incremental::Snapshot::new(options.root.clone(), resolved, theme)))
}

/// Runs the whole pipeline, writing each page into a staging folder as soon
/// as it is rendered (the site is never held whole in memory), then swaps the
/// staging folder in. On any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Outcome {
    build_with(options, true, false)
}

/// [`build`] for a process that exits right after (the `build` command):
/// the resolved site is left to the operating system to reclaim at exit
/// instead of being freed piece by piece, which takes about 4% of a
/// 1,000-document build.
pub fn build_once(options: &BuildOptions) -> Outcome {
    build_with(options, false, false)
}

/// [`build_once`] that treats warnings as errors when `deny_warnings` is set
/// (`--deny-warnings`): a build with any warning writes nothing and ends with
/// [`Status::ContentErrors`].
pub fn build_once_denying(options: &BuildOptions, deny_warnings: bool) -> Outcome {
    build_with(options, false, deny_warnings)
}

fn build_with(options: &BuildOptions, free_site: bool, deny_warnings: bool) -> Outcome {
    let out = options.output_dir();
    if let Err(refusal) = output::check_output_dir(&options.root, &out, options.force) {
        let hint = match refusal {
            output::OutputRefusal::Protected(_) => "choose another --output folder: this one is never replaced",
            output::OutputRefusal::Foreign(_) => {
                "choose an empty or new folder, or pass --force to replace this one and everything in it"
            }
        };
        let d = Diagnostic::error(&out, 0, 0, refusal.to_string()).with_code("output-folder").with_hint(hint);
        return Outcome::config_error(vec![d], HashMap::new());
    }
    let Prepared { resolved, theme, mut diagnostics, mut sources, coverage } = match prepare(options) {
        Ok(p) => p,
        Err(outcome) => return *outcome,
    };
    let write_error = |e: output::WriteError| {
        Diagnostic::error(&e.path, 0, 0, e.to_string())
            .with_code("write")
            .with_hint("check that the output folder is writable and the disk is not full")
    };
    let staging = match output::Staging::new(&out) {
        Ok(s) => s,
        Err(e) => {
            diagnostics.push(write_error(e));
            return Outcome { status: Status::ConfigErrors, diagnostics, sources, rendered: None, coverage, files: 0 };
        }
    };
    let counted = render::CountingSink::new(&staging);
    let render_phase = timings::phase("render and write");
    diagnostics.extend(render::render_into(&resolved, &theme, &counted));
    sources_of_diagnostics(&options.root, &diagnostics, &mut sources);
    drop(render_phase);
    let files = counted.count();
    if has_errors(&diagnostics) || (deny_warnings && !diagnostics.is_empty()) {
        // Dropping the staging folder removes it; the output stays as it was.
        // Errors that are all about writing the output folder (a full disk,
        // no permission) are output-folder errors, exit code 2.
        let writing_only = diagnostics.iter().filter(|d| d.is_error()).all(|d| d.code == "write");
        let status =
            if writing_only && has_errors(&diagnostics) { Status::ConfigErrors } else { Status::ContentErrors };
        return Outcome { status, diagnostics, sources, rendered: None, coverage, files: 0 };
    }
    let _commit_phase = timings::phase("commit");
    if let Err(e) = staging.commit() {
        diagnostics.push(write_error(e));
        return Outcome { status: Status::ConfigErrors, diagnostics, sources, rendered: None, coverage, files: 0 };
    }
    if !free_site {
        std::mem::forget(resolved);
    }
    Outcome { status: Status::Success, diagnostics, sources, rendered: None, coverage, files }
}
