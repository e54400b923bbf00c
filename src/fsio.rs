//! Files jixiao writes and the small files it reads whole (config, baseline).
//!
//! Writing (`-o`, `--write-baseline`, and later `--fix`, `import`, `export`)
//! goes through [`write_atomic`]: the bytes go to a hidden temporary file in
//! the target's own folder, are flushed to disk (`fsync`), and the temporary
//! file is renamed over the target. A reader sees the old file or the whole new
//! one; a full disk, a file-size limit, Ctrl-C or a second run writing the same
//! file never leaves a cut-off file where the good one was. An output that is
//! one of the run's inputs is refused ([`refuse_inputs`]), and so is a symlink
//! to a regular file (the link is neither followed silently nor replaced);
//! a symlink to a device or pipe (`/dev/stdout`) is written through.
//!
//! Reading: [`read_capped`] opens without blocking, checks on the open
//! descriptor that it is a regular file, and reads no more than a cap, so
//! `--config /dev/zero`, a FIFO or a 10 GB file cannot hang or exhaust memory.

use crate::diag::Lang;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Why a file could not be written or read, in both languages; it names the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FsError {
    pub zh: String,
    pub en: String,
}

impl FsError {
    pub fn pick(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

fn io_zh(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "不存在",
        PermissionDenied => "没有权限",
        StorageFull => "磁盘已满",
        FileTooLarge => "超过文件大小限制",
        IsADirectory => "是文件夹",
        AlreadyExists => "已存在",
        _ => "写入失败",
    }
}

/// Identity of an existing file (device and inode on Unix, the canonical path elsewhere).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileId(Ident);

#[cfg(unix)]
type Ident = (u64, u64);
#[cfg(not(unix))]
type Ident = PathBuf;

/// The identity of the file `path` names (symlinks followed), if it exists.
pub fn file_id(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(FileId((m.dev(), m.ino())))
    }
    #[cfg(not(unix))]
    {
        std::fs::canonicalize(path).ok().map(FileId)
    }
}

/// Refuse `output` when it is the same file as one of `inputs` (by identity,
/// so `./a.yaml`, `sub/../a.yaml` and a hard link all count).
pub fn refuse_inputs<'a>(
    output: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), FsError> {
    let Some(out) = file_id(output) else {
        return Ok(()); // does not exist yet: it cannot be an input
    };
    for p in inputs {
        if file_id(p).as_ref() == Some(&out) {
            let (o, i) = (output.display(), p.display());
            return Err(FsError {
                zh: format!("{o} 是本次运行读取的文件（{i}），不会覆盖它；请换一个输出文件"),
                en: format!(
                    "{o} is a file this run reads ({i}); it is not overwritten, name another output file"
                ),
            });
        }
    }
    Ok(())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Write `bytes` to `path` atomically (temporary file in the same folder,
/// fsync, rename). On failure the previous file is untouched and the error
/// names the path.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    let shown = path.display();
    let fail = |e: std::io::Error| FsError {
        zh: format!("无法写入 {shown}：{}（{e}）；原有文件未改动", io_zh(&e)),
        en: format!("cannot write {shown}: {e}; the previous file is unchanged"),
    };
    let link = std::fs::symlink_metadata(path).ok();
    let target = std::fs::metadata(path).ok();
    if let Some(t) = &target
        && !t.is_file()
    {
        if t.is_dir() {
            return Err(FsError {
                zh: format!("{shown} 是文件夹，无法写入"),
                en: format!("{shown} is a folder; nothing written"),
            });
        }
        // A device or pipe (`/dev/null`, `/dev/stdout`, a FIFO): nothing to
        // replace, so write straight into it.
        let mut f = OpenOptions::new().write(true).open(path).map_err(fail)?;
        return f.write_all(bytes).and_then(|()| f.flush()).map_err(fail);
    }
    if link.as_ref().is_some_and(|m| m.file_type().is_symlink()) {
        let to = std::fs::read_link(path)
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        return Err(FsError {
            zh: format!(
                "{shown} 是指向 {to} 的符号链接，不经链接写入；请直接指定目标文件或先删除链接"
            ),
            en: format!(
                "{shown} is a symbolic link to {to}; not written through it (name the target, or remove the link)"
            ),
        });
    }
    // A file this user may not write (read-only, or someone else's) is not
    // replaced behind its back: the rename below needs only the folder's
    // permission, and would drop the protection and take over the file.
    // Opening for writing, without truncating, asks exactly what `>` would.
    if target.is_some()
        && let Err(e) = OpenOptions::new().write(true).open(path)
        && e.kind() == std::io::ErrorKind::PermissionDenied
    {
        return Err(FsError {
            zh: format!("无法写入 {shown}：文件只读或没有写权限；原有文件未改动"),
            en: format!(
                "cannot write {shown}: the file is read-only or not writable by this user; the previous file is unchanged"
            ),
        });
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(name) = path.file_name() else {
        return Err(FsError {
            zh: format!("{shown} 不是文件名，无法写入"),
            en: format!("{shown} does not name a file; nothing written"),
        });
    };
    // Hidden, and unique to this process and call.
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(
        ".jixiao-{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = dir.join(tmp_name);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(fail)?;
    let result = (|| {
        // Keep the permissions of the file being replaced.
        if let Some(t) = &target {
            f.set_permissions(t.permissions())?;
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // The rename itself reaches the disk with the folder (best effort:
        // not every platform can open a folder).
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

/// Open `path` for reading without blocking (`O_NONBLOCK`: a FIFO without a
/// writer, `/proc/kmsg` or a tracefs pipe answer at once instead of waiting)
/// and return its metadata from the open descriptor, so what is checked is
/// what is read. The declaration reader in `check` should open through here
/// too (a regular file that blocks on read hangs it today).
pub fn open_nonblocking(path: &Path) -> std::io::Result<(File, std::fs::Metadata)> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(0o4000); // O_NONBLOCK on Linux
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(0x0004); // O_NONBLOCK on the BSDs and macOS
    }
    let f = opts.open(path)?;
    let meta = f.metadata()?;
    Ok((f, meta))
}

/// Read a whole file of at most `cap` bytes as UTF-8 text. Only a regular file
/// is read (checked on the descriptor, opened without blocking), so a FIFO, a
/// device or `/dev/zero` is an error, never a hang or an exhausted memory.
pub fn read_capped(path: &Path, cap: u64, what_zh: &str, what_en: &str) -> Result<String, FsError> {
    let shown = path.display();
    let fail = |e: std::io::Error| FsError {
        zh: format!("无法读取{what_zh} {shown}：{}", crate::discover::io_zh(&e)),
        en: format!("cannot read the {what_en} {shown}: {e}"),
    };
    let (f, meta) = open_nonblocking(path).map_err(fail)?;
    if !meta.is_file() {
        return Err(FsError {
            zh: format!("{what_zh} {shown} 不是普通文件（文件夹、管道或设备），未读取"),
            en: format!(
                "the {what_en} {shown} is not a regular file (a folder, pipe or device); not read"
            ),
        });
    }
    let too_big = |n: u64| FsError {
        zh: format!("{what_zh} {shown} 有 {n} 字节，超过上限 {cap} 字节，未读取"),
        en: format!("the {what_en} {shown} has {n} bytes, over the limit of {cap}; not read"),
    };
    if meta.len() > cap {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    f.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    if bytes.len() as u64 > cap {
        return Err(too_big(bytes.len() as u64));
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e.into_bytes(),
    };
    // Saved as "Unicode" (UTF-16 or UTF-32) by Windows Notepad or Excel: read
    // as declarations are, rather than refused at byte 0.
    match crate::source::decode(&bytes) {
        Ok((text, _)) => Ok(text),
        Err(e) => {
            let (offset, looks) = match e {
                crate::source::DecodeError::NotUtf8 { offset, looks_like } => (offset, looks_like),
                crate::source::DecodeError::BadUtf16 { offset } => (offset, None),
            };
            let hint = |zh: bool| match looks {
                Some(enc) if zh => format!("，看起来是 {enc} 编码，请另存为 UTF-8"),
                Some(enc) => format!("; it looks like {enc}, save it as UTF-8"),
                None => String::new(),
            };
            Err(FsError {
                zh: format!(
                    "{what_zh} {shown} 不是 UTF-8 文本（第 {offset} 字节无效{}）",
                    hint(true)
                ),
                en: format!(
                    "the {what_en} {shown} is not UTF-8 text (invalid from byte {offset}{})",
                    hint(false)
                ),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "jixiao-fsio-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn leftovers(d: &Path) -> Vec<String> {
        std::fs::read_dir(d)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let d = tmpdir("replace");
        let p = d.join("out.json");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second, longer").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second, longer");
        assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_refuses_symlinks_to_files() {
        use std::os::unix::fs::PermissionsExt;
        let d = tmpdir("perm");
        let p = d.join("b.json");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"new").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let precious = d.join("precious.txt");
        std::fs::write(&precious, "precious").unwrap();
        let link = d.join("pack.html");
        std::os::unix::fs::symlink(&precious, &link).unwrap();
        let e = write_atomic(&link, b"<html>").unwrap_err();
        assert!(e.en.contains("symbolic link"), "{e:?}");
        assert_eq!(std::fs::read_to_string(&precious).unwrap(), "precious");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // A link to a device is written through.
        let null = d.join("null.html");
        std::os::unix::fs::symlink("/dev/null", &null).unwrap();
        write_atomic(&null, b"x").unwrap();
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_missing_folder_fails_naming_the_path() {
        let d = tmpdir("missing");
        let p = d.join("no/such/out.html");
        let e = write_atomic(&p, b"x").unwrap_err();
        assert!(
            e.en.contains("out.html") && e.en.contains("unchanged"),
            "{e:?}"
        );
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn outputs_that_are_inputs_are_refused() {
        let d = tmpdir("inputs");
        let a = d.join("a.yaml");
        std::fs::write(&a, "kind: target").unwrap();
        let same = d.join(".").join("a.yaml");
        assert!(refuse_inputs(&same, [a.as_path()]).is_err());
        assert!(refuse_inputs(&d.join("b.yaml"), [a.as_path()]).is_ok());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn reads_are_capped_and_only_regular_files() {
        let d = tmpdir("read");
        let p = d.join("c.yaml");
        std::fs::write(&p, "lang: en\n").unwrap();
        assert_eq!(
            read_capped(&p, 100, "配置", "config").unwrap(),
            "lang: en\n"
        );
        let e = read_capped(&p, 4, "配置", "config").unwrap_err();
        assert!(e.en.contains("over the limit of 4"), "{e:?}");
        let e = read_capped(&d, 100, "配置", "config").unwrap_err();
        assert!(e.en.contains("not a regular file") || e.en.contains("cannot read"));
        #[cfg(unix)]
        {
            let e = read_capped(Path::new("/dev/zero"), 100, "配置", "config").unwrap_err();
            assert!(e.en.contains("not a regular file"), "{e:?}");
        }
        std::fs::remove_dir_all(&d).unwrap();
    }
}
