//! The `shiyi` command line: init, new, build, check, import, diff and serve.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use shiyi::diagnostic::Severity;
use shiyi::diagnostic::format::{Format, format_all};
use shiyi::import::{DirectiveImport, FileImport, Kind, import_file};
use shiyi::{BuildOptions, Outcome, Status};

/// A build allocates many small strings on every thread; mimalloc handles that
/// pattern much better than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Shown at the end of `shiyi --help`.
const EXAMPLES: &str = "\
Examples:
  shiyi init mysite                             write a starter site into mysite/
  shiyi build --root mysite                     build it into mysite/output/
  shiyi serve --root mysite --open              preview it, rebuilt on every save
  shiyi --root mysite new annotation \"示例意见 二（二）\"
                                                start the annotation of one clause
  shiyi check --deny-warnings --format github   what CI runs: annotations, warnings fail
  shiyi import notice.txt --slug notice         turn a plain-text directive into Markdown

Exit codes: 0 success, 1 content errors, 2 usage or configuration errors.";

/// Shown at the end of `shiyi build --help` and `shiyi check --help`.
const REPORT_EXAMPLES: &str = "\
Examples:
  shiyi build                                   build ./ into ./output
  shiyi build --root mysite --output /srv/www/study
  shiyi check --format json > problems.jsonl    one JSON object per diagnostic
  shiyi check --deny-warnings --format github   GitHub Actions annotations; warnings fail";

/// shiyi (释义): turn directives, the laws they cite and their annotations into
/// a searchable, cross-linked static study site.
#[derive(Parser)]
#[command(name = "shiyi", version, about, long_about = None, after_help = EXAMPLES)]
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
    #[command(after_help = REPORT_EXAMPLES)]
    Build {
        /// Output folder [default: ROOT/output].
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Include documents marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        #[command(flatten)]
        report: ReportArgs,
        /// Replace an output folder that shiyi did not write (never the site, its
        /// content/ or themes/, a parent of the site or the home folder).
        #[arg(long)]
        force: bool,
    },
    /// Do everything `build` does except writing; exit non-zero on any error.
    #[command(after_help = REPORT_EXAMPLES)]
    Check {
        /// Include documents marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Turn a directive or a law (plain text in UTF-8 or GBK, .docx, saved web page) into Markdown under content/.
    Import {
        /// The file to import: plain text (UTF-8 or GB18030/GBK), a Word .docx or a saved .html page.
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
    /// Write a small working site (site.yaml, a directive, an annotation, a law excerpt, a glossary, CI).
    #[command(after_help = "Examples:\n  shiyi init mysite            a new folder\n  shiyi init --force .         \
                            add the missing starter files here (existing files are kept)")]
    Init {
        /// The folder to create or fill [default: the --root folder].
        dir: Option<PathBuf>,
        /// Also fill a folder that is not empty (existing files are never overwritten).
        #[arg(long)]
        force: bool,
    },
    /// Write a new content file for the site at --root.
    #[command(subcommand)]
    New(NewCommand),
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

/// How `build` and `check` report problems.
#[derive(clap::Args)]
struct ReportArgs {
    /// How to print diagnostics: for people, one JSON object per line (on
    /// stdout), or GitHub Actions workflow commands (on stdout).
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// Fail (exit code 1, nothing written) when there is any warning.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// The source line underlined, then the hint (on stderr).
    Human,
    /// One JSON object per diagnostic and line: severity, code, file, line,
    /// column, end, message, hint, caused_by, rendered.
    Json,
    /// `::error file=…,line=…,col=…::message` annotations.
    Github,
}

#[derive(Subcommand)]
enum NewCommand {
    /// An annotation of one clause, in content/annotations/, with its front matter and sections.
    #[command(after_help = "Examples:\n  shiyi new annotation \"具体意见 三（三）4\"\n  \
                            shiyi --root mysite new annotation \"行政许可法 第二十条第二款\"")]
    Annotation {
        /// The clause, cited as the site cites it, e.g. "具体意见 三（三）4".
        clause: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportKind {
    /// A directive: numbered 一、（一）1.（1） text with attachments.
    Directive,
    /// A law text from the law corpus (`# title`, history, `<!-- INFO END -->`, articles).
    Law,
}

/// Prints the diagnostics in the chosen format and a summary line on
/// stderr; gives the exit code, 1 for warnings under `--deny-warnings`.
fn report(outcome: &Outcome, args: &ReportArgs) -> i32 {
    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Github => Format::Github,
    };
    let text = format_all(&outcome.diagnostics, &outcome.sources, format);
    match format {
        Format::Human => eprint!("{text}"),
        Format::Json | Format::Github => print!("{text}"),
    }
    let errors = outcome.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = outcome.diagnostics.len() - errors;
    let consequences = outcome.diagnostics.iter().filter(|d| d.caused_by().is_some()).count();
    if !outcome.diagnostics.is_empty() {
        let follow = if consequences > 0 { format!(" ({consequences} follow from the others)") } else { String::new() };
        eprintln!("{errors} error(s){follow}, {warnings} warning(s)");
    }
    if args.deny_warnings && warnings > 0 && outcome.status != Status::ConfigErrors {
        // `build` has already refused to write; `check` fails here.
        eprintln!("error: --deny-warnings: the warnings count as errors");
        return Status::ContentErrors.exit_code();
    }
    outcome.status.exit_code()
}

/// The Markdown files directly in `dir` (the laws a new law may be a version of).
fn existing_laws(dir: &Path) -> Vec<shiyi::import::ExistingFile> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<shiyi::import::ExistingFile> = entries
        .flatten()
        .filter_map(|e| {
            let file_name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(e.path()).ok()?;
            file_name.ends_with(".md").then_some(shiyi::import::ExistingFile { file_name, text })
        })
        .collect();
    files.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    files
}

fn run_import(root: &Path, command: Command) -> Result<Vec<PathBuf>, String> {
    let Command::Import { file, kind, slug, attachment_slugs, note, source, out, force } = command else {
        unreachable!("run_import is called for import only")
    };
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "imported".into());
    let slug = slug.unwrap_or_else(|| stem.clone());
    let (kind, default_dir) = match kind {
        ImportKind::Directive => (Kind::Directive, root.join("content")),
        ImportKind::Law => (Kind::Law, root.join("content/laws")),
    };
    let options =
        FileImport { kind, directive: DirectiveImport { slug: slug.clone(), attachment_slugs, source }, note };
    let imported = import_file(&file, &options)?;
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    for warning in &imported.warnings {
        eprintln!("warning: {warning}");
    }
    let mut files = imported.files;
    let dir = out.unwrap_or(default_dir);
    let mut replaced = Vec::new();
    if kind == Kind::Law {
        let existing = existing_laws(&dir);
        if let Some(version_files) = shiyi::import::as_new_version(&files[0], &slug, &existing)? {
            replaced = version_files[1..].iter().map(|f| f.file_name.clone()).collect();
            files = version_files;
        }
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for f in &files {
        let path = dir.join(&f.file_name);
        if path.exists() && !force && !replaced.contains(&f.file_name) {
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
        Command::Build { output, drafts, report: args, force } => {
            let options = BuildOptions { root: cli.root.clone(), output, drafts, force };
            let outcome = shiyi::build_once_denying(&options, args.deny_warnings);
            let code = report(&outcome, &args);
            if code == 0 {
                eprintln!(
                    "built {} files into {} in {} ms",
                    outcome.files,
                    options.output_dir().display(),
                    started.elapsed().as_millis()
                );
            }
            code
        }
        Command::Check { drafts, report: args } => {
            let outcome = shiyi::check(&BuildOptions { root: cli.root.clone(), output: None, drafts, force: false });
            let code = report(&outcome, &args);
            if let Some(coverage) = &outcome.coverage {
                // Standard output carries only diagnostics in the formats for machines.
                match args.format {
                    FormatArg::Human => print!("{coverage}"),
                    FormatArg::Json | FormatArg::Github => eprint!("{coverage}"),
                }
            }
            if code == 0 {
                eprintln!("check passed in {} ms", started.elapsed().as_millis());
            }
            code
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
        Command::Init { dir, force } => {
            let dir = dir.unwrap_or_else(|| cli.root.clone());
            match shiyi::scaffold::init(&dir, force) {
                Ok(report) => {
                    for path in &report.written {
                        eprintln!("wrote {}", dir.join(path).display());
                    }
                    for path in &report.kept {
                        eprintln!("kept {} (already there)", dir.join(path).display());
                    }
                    eprintln!("next: shiyi build --root {0}, then open {0}/output/index.html", dir.display());
                    0
                }
                Err(e) => {
                    eprintln!("{e}");
                    2
                }
            }
        }
        Command::New(NewCommand::Annotation { clause }) => match shiyi::scaffold::new_annotation(&cli.root, &clause) {
            Ok(made) => {
                eprintln!("wrote {} (annotates {})", cli.root.join(&made.path).display(), made.citation);
                0
            }
            Err(e) => {
                eprintln!("{e}");
                1
            }
        },
        Command::Serve { port, interface, open, drafts } => {
            shiyi::serve::run(shiyi::serve::ServeOptions { root: cli.root.clone(), interface, port, drafts }, open)
        }
    };
    ExitCode::from(code as u8)
}
