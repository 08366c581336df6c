//! The output folder under stress: a build killed while writing, two builds
//! of the same folder at once, and a build of 50,000 files under a low limit
//! of open files.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{fixture, freda, read, read_tree, stderr};

/// Writes `count` small files into `dir`, 100 to a folder.
fn small_files(dir: &Path, count: usize) {
    for i in 0..count {
        let folder = dir.join(format!("f{:03}", i / 100));
        if i % 100 == 0 {
            fs::create_dir_all(&folder).unwrap();
        }
        fs::write(folder.join(format!("{i}.txt")), format!("file {i}\n")).unwrap();
    }
}

/// Starts `freda build` in `root` without waiting for it.
fn start_build(root: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_freda"))
        .arg("build")
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start freda build")
}

/// Names of the entries of `dir` containing `.freda-` (leftovers and lock files), sorted.
fn freda_siblings(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".freda-"))
        .collect();
    names.sort();
    names
}

/// Waits until the build's temporary folder holds `sub`, then kills the
/// build (SIGKILL); returns the temporary folder's name.
fn kill_while_writing(root: &Path, build: &mut Child, sub: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let temp = freda_siblings(root)
            .into_iter()
            .find(|n| n.starts_with(".public.freda-tmp-"));
        if let Some(temp) = temp.filter(|t| root.join(t).join(sub).exists()) {
            build.kill().unwrap();
            build.wait().unwrap();
            return temp;
        }
        let finished = build.try_wait().unwrap();
        assert!(
            finished.is_none() && Instant::now() < deadline,
            "the build ended ({finished:?}) before it was seen writing"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_build_killed_while_writing_leaves_the_previous_output() {
    let site = fixture("sites", "all-types");
    let root = site.path();
    let first = freda(root, &["build"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let good = read_tree(&root.join("public"));

    // Enough files that the second build spends a while writing them.
    small_files(&root.join("static/bulk"), 5000);
    let mut build = start_build(root);
    let temp = kill_while_writing(root, &mut build, "bulk");
    assert!(read_tree(&root.join("public")) == good, "public/ changed");
    assert_eq!(
        freda_siblings(root),
        [".public.freda-lock".to_string(), temp],
        "the killed build's lock file and temporary folder are left"
    );

    // The lock died with the build; the next build is not blocked and tidies up.
    let next = freda(root, &["build"]);
    assert!(next.status.success(), "{}", stderr(&next));
    assert_eq!(freda_siblings(root), Vec::<String>::new());
    assert_eq!(
        fs::read_to_string(root.join("public/bulk/f049/4999.txt")).unwrap(),
        "file 4999\n"
    );
}

#[test]
fn a_second_build_of_the_same_output_fails_at_once() {
    let site = fixture("sites", "all-types");
    let root = site.path().canonicalize().unwrap();
    let lock_path = root.join(".public.freda-lock");
    // The test plays the other build: it holds the lock, with a pid in the file.
    let held = fs::File::create(&lock_path).unwrap();
    held.try_lock().unwrap();
    fs::write(&lock_path, "4242\n").unwrap();

    let second = freda(&root, &["build"]);
    assert_eq!(second.status.code(), Some(1));
    assert_eq!(
        stderr(&second),
        format!(
            "error: another freda build (pid 4242) is writing {}; wait for it to finish, \
             then build again (it holds the lock on {})\n",
            root.join("public").display(),
            lock_path.display()
        )
    );
    assert!(!root.join("public").exists());

    drop(held);
    let third = freda(&root, &["build"]);
    assert!(third.status.success(), "{}", stderr(&third));
    assert_eq!(freda_siblings(&root), Vec::<String>::new());
}

/// 50,000 files (49,500 static files and 500 pages with an attachment
/// each) build under a limit of 64 open files: reading, copying and writing
/// keep a few files open at a time, not one per file.
#[test]
fn a_build_of_50000_files_keeps_few_files_open() {
    let site = fixture("sites", "all-types");
    let root = site.path();
    small_files(&root.join("static/many"), 49_500);
    let notes = root.join("content/notes");
    fs::create_dir(&notes).unwrap();
    fs::write(
        notes.join("_index.md"),
        "+++\ntitle = \"Notes\"\nsummary = \"Notes.\"\n+++\n",
    )
    .unwrap();
    for i in 0..500 {
        let page =
            format!("+++\ntitle = \"Note {i}\"\nsummary = \"Note {i}.\"\n+++\nA short note.\n");
        fs::write(notes.join(format!("n{i}.md")), page).unwrap();
        fs::write(notes.join(format!("n{i}.csv")), format!("n,{i}\n")).unwrap();
    }
    let started = Instant::now();
    let built = Command::new("sh")
        .args(["-c", "ulimit -n 64 && exec \"$0\" build"])
        .arg(env!("CARGO_BIN_EXE_freda"))
        .current_dir(root)
        .env("NO_COLOR", "1")
        // Each worker thread has a file open at a time: pin their number so
        // the limit holds on a machine with many cores too.
        .env("RAYON_NUM_THREADS", "4")
        .output()
        .unwrap();
    eprintln!("50,000-file build took {:?}", started.elapsed());
    assert!(built.status.success(), "{}", stderr(&built));
    let public = root.join("public");
    let files = walkdir::WalkDir::new(&public)
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_type().is_file())
        .count();
    assert!(files > 50_000, "{files} files");
    assert_eq!(read(&public, "many/f494/49499.txt"), "file 49499\n");
    assert_eq!(read(&public, "notes/n499.csv"), "n,499\n");
    assert!(read(&public, "notes/n499/index.html").contains("Note 499"));
}
