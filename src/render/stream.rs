//! Writing what the user asked for to standard output the way command-line tools do: when the
//! reader stops early (`charter check --format json | head`), the run ends quietly; any other
//! write failure (a full disk, `> /dev/full`) is an error that the caller reports with exit
//! code 2. Never a panic: `print!` panics on both.

use std::io::{self, Write};

/// Why output could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The reader closed the pipe: nobody wants the rest, so stop without a message.
    Closed,
    /// Anything else (no space left, an I/O error): say so and exit 2.
    Failed(io::Error),
}

impl WriteError {
    /// Sorts an I/O error into a closed pipe or a real failure.
    pub fn from_io(error: io::Error) -> WriteError {
        if error.kind() == io::ErrorKind::BrokenPipe {
            WriteError::Closed
        } else {
            WriteError::Failed(error)
        }
    }
}

/// Writes all of `bytes` and flushes, so that a failure shows here rather than being lost when
/// the process exits.
pub fn write_all(writer: &mut dyn Write, bytes: &[u8]) -> Result<(), WriteError> {
    writer
        .write_all(bytes)
        .and_then(|()| writer.flush())
        .map_err(WriteError::from_io)
}

/// Writes `bytes` to standard output (see [`write_all`]).
pub fn stdout(bytes: &[u8]) -> Result<(), WriteError> {
    write_all(&mut io::stdout().lock(), bytes)
}

/// Writes a line to standard error, ignoring failures: when stderr itself is closed or full
/// there is nowhere left to report anything.
pub fn eprintln(line: impl std::fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts `capacity` bytes, then fails every write with `kind`.
    struct FailingWriter {
        capacity: usize,
        kind: io::ErrorKind,
        written: Vec<u8>,
    }

    impl Write for FailingWriter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.written.len() >= self.capacity {
                return Err(io::Error::from(self.kind));
            }
            let n = buf.len().min(self.capacity - self.written.len());
            self.written.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn write_into(capacity: usize, kind: io::ErrorKind) -> Result<(), WriteError> {
        let mut writer = FailingWriter {
            capacity,
            kind,
            written: Vec::new(),
        };
        write_all(&mut writer, b"0123456789")
    }

    #[test]
    fn a_closed_pipe_is_quiet_and_a_full_disk_is_an_error() {
        assert!(write_into(100, io::ErrorKind::BrokenPipe).is_ok());
        assert!(matches!(
            write_into(4, io::ErrorKind::BrokenPipe),
            Err(WriteError::Closed)
        ));
        match write_into(4, io::ErrorKind::StorageFull) {
            Err(WriteError::Failed(error)) => assert_eq!(error.kind(), io::ErrorKind::StorageFull),
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}
