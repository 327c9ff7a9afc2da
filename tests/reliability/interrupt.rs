//! Interrupting a real run (SIGINT, SIGTERM, twice, SIGKILL) and filling the disk: the output
//! directory is afterwards either the previous complete output or absent, never torn, and no
//! staging directory is left behind.

use super::{dir, samples, Dir};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A JSONL input big enough to take several seconds: the samples, `copies` times over.
fn big_input(d: &Dir, copies: usize) {
    std::fs::create_dir_all(d.path().join("big")).unwrap();
    let mut f =
        std::io::BufWriter::new(std::fs::File::create(d.path().join("big/big.jsonl")).unwrap());
    let samples = samples();
    for i in 0..copies {
        for (name, text) in &samples {
            let rec = serde_json::json!({"id": format!("{name}-{i}"), "text": text});
            writeln!(f, "{rec}").unwrap();
        }
    }
    f.flush().unwrap();
}

/// Every file under `dir`, by relative path, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A complete output in `out/` from a small run, and its snapshot.
fn previous_output(d: &Dir) -> BTreeMap<String, Vec<u8>> {
    for (name, text) in samples() {
        d.write(&format!("small/{name}"), text);
    }
    let run = d.clean(&["small"]);
    run.assert_counts(5, 0);
    snapshot(&d.path().join("out"))
}

/// Names of staging directories (and their `.old` siblings) in `d`.
fn staging_dirs(d: &Dir) -> Vec<String> {
    std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".newsclean-"))
        .collect()
}

fn start_big_run(d: &Dir) -> Child {
    d.command()
        .args(["clean", "big", "--out", "out", "--force"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn newsclean")
}

/// Waits until the run is writing its staging output, then a little more: midway.
fn wait_until_writing(d: &Dir, child: &mut Child) {
    let start = Instant::now();
    while staging_dirs(d).is_empty() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "run ended before it started writing"
        );
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no staging dir appeared"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run finished before it could be interrupted: make the input bigger"
    );
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: sending a signal to our own child process.
    assert_eq!(
        unsafe { libc::kill(child.id() as libc::pid_t, sig) },
        0,
        "kill"
    );
}

/// Waits for the child (at most 30 s) and returns its exit code, stderr and the wait.
fn finish(child: Child) -> (Option<i32>, String, Duration) {
    let (status, stderr, waited) = super::wait_for(
        child,
        Duration::from_secs(30),
        "newsclean did not stop after the signal",
    );
    (status.code(), stderr, waited)
}

fn interrupt_keeps_previous_output(sig: i32) {
    let d = Dir::new(&format!("interrupt-{sig}"));
    let before = previous_output(&d);
    big_input(&d, 3000);
    let mut child = start_big_run(&d);
    wait_until_writing(&d, &mut child);
    signal(&child, sig);
    let (code, stderr, waited) = finish(child);
    eprintln!("signal {sig}: stopped {waited:.2?} after it");
    assert_eq!(code, Some(130), "exit code; stderr:\n{stderr}");
    assert!(
        waited < Duration::from_secs(5),
        "stopped promptly: took {waited:?}"
    );
    assert!(
        stderr.contains("newsclean: interrupted after ") && stderr.contains("out left as it was"),
        "says what was finished: {stderr}"
    );
    assert!(
        !stderr.contains("still running"),
        "stopped by itself, not the watchdog: {stderr}"
    );
    assert_eq!(
        snapshot(&d.path().join("out")),
        before,
        "previous output intact"
    );
    assert_eq!(
        staging_dirs(&d),
        Vec::<String>::new(),
        "no staging dir left"
    );
}

#[test]
fn sigint_midway_leaves_the_previous_output() {
    interrupt_keeps_previous_output(libc::SIGINT);
}

#[test]
fn sigterm_midway_leaves_the_previous_output() {
    interrupt_keeps_previous_output(libc::SIGTERM);
}

#[test]
fn interrupt_without_previous_output_leaves_none() {
    let d = dir!();
    big_input(&d, 3000);
    let mut child = start_big_run(&d);
    wait_until_writing(&d, &mut child);
    signal(&child, libc::SIGINT);
    let (code, stderr, _) = finish(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(!d.path().join("out").exists(), "no output at all");
    assert_eq!(staging_dirs(&d), Vec::<String>::new());
}

#[test]
fn second_ctrl_c_stops_at_once_and_cleans_up() {
    let d = dir!();
    let before = previous_output(&d);
    big_input(&d, 3000);
    let mut child = start_big_run(&d);
    wait_until_writing(&d, &mut child);
    signal(&child, libc::SIGINT);
    signal(&child, libc::SIGINT);
    let (code, stderr, _) = finish(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert_eq!(snapshot(&d.path().join("out")), before);
    assert_eq!(staging_dirs(&d), Vec::<String>::new());
}

#[test]
fn staging_left_by_a_killed_run_is_removed_by_the_next() {
    let d = dir!();
    let before = previous_output(&d);
    big_input(&d, 3000);
    let mut child = start_big_run(&d);
    wait_until_writing(&d, &mut child);
    signal(&child, libc::SIGKILL);
    let (code, _, _) = finish(child);
    assert_eq!(code, None, "killed by a signal");
    // SIGKILL cannot be caught: the staging dir stays, but the output is the old one.
    assert_eq!(snapshot(&d.path().join("out")), before);
    assert_eq!(staging_dirs(&d).len(), 1);
    let run = d.clean(&["small"]);
    run.assert_counts(5, 0);
    assert_eq!(
        staging_dirs(&d),
        Vec::<String>::new(),
        "stale staging removed"
    );
}

/// `run` interrupted while it looks for near-duplicates (after the clean pass): it stops
/// promptly with 130, keeps the previous output and leaves no staging directory (nor its
/// staged records and spill file) behind.
#[test]
fn run_interrupted_during_dedup_stops_promptly() {
    use std::io::BufRead;
    let d = dir!();
    let before = previous_output(&d);
    big_input(&d, 3000);
    let mut child = d
        .command()
        .args(["run", "big", "--out", "out", "--force"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn newsclean");
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "run ended before its dedup stage: {seen}"
        );
        seen.push_str(&line);
        if line.contains("dedup: finding near-duplicates") {
            break;
        }
    }
    signal(&child, libc::SIGTERM);
    let (status, _, waited) = super::wait_for(
        child,
        Duration::from_secs(30),
        "run did not stop after SIGTERM during dedup",
    );
    stderr.read_to_string(&mut seen).unwrap();
    eprintln!("run stopped {waited:.2?} after SIGTERM during dedup");
    assert_eq!(status.code(), Some(130), "exit code; stderr:\n{seen}");
    assert!(waited < Duration::from_secs(5), "took {waited:?}");
    assert!(seen.contains("out left as it was"), "{seen}");
    assert!(
        !seen.contains("still running"),
        "stopped by itself, not the watchdog: {seen}"
    );
    assert_eq!(snapshot(&d.path().join("out")), before);
    assert_eq!(staging_dirs(&d), Vec::<String>::new());
}

/// A 1 MiB tmpfs mounted at `dir`, unmounted on drop.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn full_disk_fails_cleanly_and_keeps_the_previous_output() {
    let d = dir!();
    let Some(disk) = Tmpfs::mount(&d.path().join("disk")) else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root?); see RELIABILITY.md");
        return;
    };
    for (name, text) in samples() {
        d.write(&format!("small/{name}"), text);
    }
    let small = d
        .command()
        .args(["clean", "small", "--out", "disk/out"])
        .output()
        .unwrap();
    assert_eq!(small.status.code(), Some(0));
    let before = snapshot(&d.path().join("disk/out"));
    big_input(&d, 100); // 1.7 MB of text: more than the disk holds
    let out = d
        .command()
        .args(["clean", "big", "--out", "disk/out", "--force"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    // Said once, with the file it was writing and what to do (issue 15).
    assert_eq!(
        stderr.matches("No space left on device").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("disk/"), "names the path: {stderr}");
    assert_eq!(
        snapshot(&d.path().join("disk/out")),
        before,
        "previous output intact"
    );
    let left: Vec<_> = std::fs::read_dir(d.path().join("disk"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["out"], "no staging dir left on the full disk");
    drop(disk);
}
