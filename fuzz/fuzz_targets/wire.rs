//! The wire in front of the language server on any bytes: frames are read and every body is checked without
//! failing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marginalia::lsp::transport::{Frame, FrameReader, check};

fuzz_target!(|bytes: &[u8]| {
    check(bytes);
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(async {
        let mut frames = FrameReader::new(bytes);
        while let Ok(Some(frame)) = frames.next().await {
            if let Frame::Body(body) = frame {
                check(&body);
            }
        }
    });
});
