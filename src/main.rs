//! The `shiyi` command line: build, check, import, diff and serve.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use shiyi::diagnostic::Severity;
use shiyi::import::{DirectiveImport, import_directive, import_law};
use shiyi::{BuildOptions, Outcome, Status};

/// A build allocates many small strings on every thread; mimalloc handles that
/// pattern much better than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// shiyi (释义): turn directives, the laws they cite and their annotations into
/// a searchable, cross-linked static study site.
#[derive(Parser)]
#[command(name = "shiyi", version, about, long_about = None)]
struct Cli {
    /// The site root: the folder holding site.yaml, content/ and themes/.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced atomically; left untouched on error).
    Build {
        /// Output folder [default: ROOT/output].
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Include documents marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Do everything `build` does except writing; exit non-zero on any error.
    Check {
        /// Include documents marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Turn a plain-text directive (or a law text) into Markdown under content/.
    Import {
        /// The text file to import.
        file: PathBuf,
        /// What the file is.
        #[arg(long, value_enum, default_value_t = ImportKind::Directive)]
        kind: ImportKind,
        /// File name (without .md) of the imported document [default: the input's file stem].
        #[arg(long)]
        slug: Option<String>,
        /// File names for the attachments (附件), in order; repeat the flag for each.
        #[arg(long = "attachment-slug", value_name = "SLUG")]
        attachment_slugs: Vec<String>,
        /// For laws: the note shown under the title [default: says which version the text is].
        #[arg(long)]
        note: Option<String>,
        /// Where the text comes from, recorded as `source:` in the front matter.
        #[arg(long)]
        source: Option<String>,
        /// Folder to write into [default: ROOT/content, or ROOT/content/laws for laws].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// Compare two versions of a law, article by article (新旧对照).
    Diff {
        /// The old version (a law file, with or without front matter).
        old: PathBuf,
        /// The new version.
        new: PathBuf,
        /// Print a JSON array with one object per aligned pair instead of the summary.
        #[arg(long)]
        json: bool,
    },
    /// Build in memory, serve over HTTP, rebuild on every change and reload the open pages.
    Serve {
        /// The port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        interface: std::net::IpAddr,
        /// Open the site in the desktop's browser.
        #[arg(long)]
        open: bool,
        /// Include documents marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportKind {
    /// A directive: numbered 一、（一）1.（1） text with attachments.
    Directive,
    /// A law text from the law corpus (`# title`, history, `<!-- INFO END -->`, articles).
    Law,
}

fn print_outcome(outcome: &Outcome) {
    if !outcome.diagnostics.is_empty() {
        eprint!("{}", outcome.report());
        let errors = outcome.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        let warnings = outcome.diagnostics.len() - errors;
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
}

fn run_import(root: &Path, command: Command) -> Result<Vec<PathBuf>, String> {
    let Command::Import { file, kind, slug, attachment_slugs, note, source, out, force } = command else {
        unreachable!("run_import is called for import only")
    };
    let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8: convert it first", file.display()))?;
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "imported".into());
    let slug = slug.unwrap_or_else(|| stem.clone());
    let (files, default_dir) = match kind {
        ImportKind::Directive => {
            let options = DirectiveImport { slug, attachment_slugs, source };
            (import_directive(&text, &options)?, root.join("content"))
        }
        ImportKind::Law => (vec![import_law(&text, &slug, &stem, note.as_deref())?], root.join("content/laws")),
    };
    let dir = out.unwrap_or(default_dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for f in &files {
        let path = dir.join(&f.file_name);
        if path.exists() && !force {
            return Err(format!("{} exists: pass --force to overwrite it", path.display()));
        }
    }
    for f in files {
        let path = dir.join(&f.file_name);
        std::fs::write(&path, f.markdown).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// Reads and parses one side of `shiyi diff`; an error is printed with its
/// file, line and column.
fn diff_side(path: &Path) -> Result<Vec<shiyi::compare::Article>, i32> {
    let text = match std::fs::read(path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            eprintln!("error: {} is not UTF-8: convert it first", path.display());
            return Err(1);
        }
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return Err(1);
        }
    };
    shiyi::compare::parse_articles(&text).map_err(|e| {
        let diagnostic = shiyi::diagnostic::Diagnostic::error(path, e.line, e.column, e.message).with_hint(e.hint);
        let sources = std::collections::HashMap::from([(path.to_path_buf(), text.clone())]);
        eprint!("{}", shiyi::diagnostic::render(&[diagnostic], &sources));
        1
    })
}

fn run_diff(old_path: &Path, new_path: &Path, json: bool) -> i32 {
    let (old, new) = match (diff_side(old_path), diff_side(new_path)) {
        (Ok(old), Ok(new)) => (old, new),
        _ => return 1,
    };
    let alignment = shiyi::compare::align(&old, &new);
    let out = if json {
        shiyi::compare::report::json(&old, &new, &alignment)
    } else {
        let name = |p: &Path| p.display().to_string();
        shiyi::compare::report::text(&name(old_path), &name(new_path), &old, &new, &alignment)
    };
    print!("{out}");
    0
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    let code = match cli.command {
        Command::Build { output, drafts } => {
            let options = BuildOptions { root: cli.root.clone(), output, drafts };
            let outcome = shiyi::build_once(&options);
            print_outcome(&outcome);
            if outcome.status == Status::Success {
                eprintln!(
                    "built {} files into {} in {} ms",
                    outcome.files,
                    options.output_dir().display(),
                    started.elapsed().as_millis()
                );
            }
            outcome.status.exit_code()
        }
        Command::Check { drafts } => {
            let outcome = shiyi::check(&BuildOptions { root: cli.root.clone(), output: None, drafts });
            print_outcome(&outcome);
            if let Some(coverage) = &outcome.coverage {
                print!("{coverage}");
            }
            if outcome.status == Status::Success {
                eprintln!("check passed in {} ms", started.elapsed().as_millis());
            }
            outcome.status.exit_code()
        }
        command @ Command::Import { .. } => match run_import(&cli.root, command) {
            Ok(paths) => {
                for p in paths {
                    eprintln!("wrote {}", p.display());
                }
                0
            }
            Err(message) => {
                eprintln!("error: {message}");
                1
            }
        },
        Command::Diff { old, new, json } => run_diff(&old, &new, json),
        Command::Serve { port, interface, open, drafts } => {
            shiyi::serve::run(shiyi::serve::ServeOptions { root: cli.root.clone(), interface, port, drafts }, open)
        }
    };
    ExitCode::from(code as u8)
}
