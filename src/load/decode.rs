//! Article files in the encodings they come in: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
//! mark, and legacy encodings (Windows-1252, Latin-1, …), which `chardetng` detects and `encoding_rs` decodes.
//!
//! A file that is UTF-8 but for a few invalid bytes is not taken for a legacy encoding: its valid UTF-8 characters
//! outnumber its invalid bytes, so it is reported with the position of the first invalid one, as is a file whose
//! byte-order mark declares UTF-8.

use encoding_rs::{Encoding, UTF_8};

/// The text of a file, and the encoding it was decoded from when that was not UTF-8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without a byte-order mark.
    pub text: String,
    /// The name of the encoding the text was decoded from (`windows-1252`, `UTF-16LE`, …); `None` for UTF-8.
    pub assumed: Option<&'static str>,
}

/// Why a file's bytes are not text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Undecodable {
    /// UTF-8 (declared by a byte-order mark, or most of the file) with an invalid byte at this offset of the file.
    InvalidUtf8 {
        /// The offset of the first invalid byte.
        offset: usize,
    },
    /// Not text at all: a NUL byte where no byte-order mark declares UTF-16 (as git decides).
    Binary {
        /// The offset of the first NUL byte.
        offset: usize,
    },
    /// Not valid in the encoding its byte-order mark declares, or in the one detected.
    Invalid {
        /// The encoding's name.
        encoding: &'static str,
    },
}

/// Decodes the bytes of an article file (UTF-8 without a byte-order mark, the common case, without a copy).
pub fn decode(bytes: Vec<u8>) -> Result<Decoded, Undecodable> {
    let bytes = match String::from_utf8(bytes) {
        Ok(text) if !text.starts_with('\u{feff}') => return Ok(Decoded { text, assumed: None }),
        Ok(text) => text.into_bytes(),
        Err(error) => error.into_bytes(),
    };
    decode_slow(&bytes)
}

/// Decodes what is not UTF-8 without a byte-order mark.
fn decode_slow(bytes: &[u8]) -> Result<Decoded, Undecodable> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom..];
        if encoding == UTF_8 {
            return utf8(body).map_err(|offset| Undecodable::InvalidUtf8 { offset: bom + offset });
        }
        return decode_as(encoding, body);
    }
    let invalid_at = match utf8(bytes) {
        Ok(decoded) => return Ok(decoded),
        Err(offset) => offset,
    };
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(Undecodable::Binary { offset });
    }
    if mostly_utf8(bytes) {
        return Err(Undecodable::InvalidUtf8 { offset: invalid_at });
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    decode_as(detector.guess(None, false), bytes)
}

fn utf8(bytes: &[u8]) -> Result<Decoded, usize> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded { text: text.to_string(), assumed: None }),
        Err(error) => Err(error.valid_up_to()),
    }
}

fn decode_as(encoding: &'static Encoding, bytes: &[u8]) -> Result<Decoded, Undecodable> {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(Decoded { text: text.into_owned(), assumed: Some(encoding.name()) }),
        None => Err(Undecodable::Invalid { encoding: encoding.name() }),
    }
}

/// Whether the valid UTF-8 characters beyond ASCII outnumber the invalid bytes: a UTF-8 file with a few broken
/// bytes rather than a file in another encoding (where almost every byte beyond ASCII is invalid UTF-8).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut characters, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        characters += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    characters >= invalid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> (String, Option<&'static str>) {
        let decoded = decode(bytes.to_vec()).unwrap();
        (decoded.text, decoded.assumed)
    }

    #[test]
    fn utf8_is_read_as_it_is_and_its_byte_order_mark_dropped() {
        assert_eq!(decoded("Café crème".as_bytes()), ("Café crème".to_string(), None));
        assert_eq!(decoded(b"\xef\xbb\xbfDock workers"), ("Dock workers".to_string(), None));
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_decoded() {
        let little: Vec<u8> =
            [0xff, 0xfe].into_iter().chain("Grève à Brest".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decoded(&little), ("Grève à Brest".to_string(), Some("UTF-16LE")));
        let big: Vec<u8> = [0xfe, 0xff].into_iter().chain("Grève".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decoded(&big), ("Grève".to_string(), Some("UTF-16BE")));
    }

    #[test]
    fn legacy_encodings_are_detected_and_decoded() {
        // Windows-1252: curly quotes (0x93 0x94), an em dash (0x97) and accented letters.
        let text = b"Les dockers du port ont cess\xe9 le travail lundi \x97 \x93nous ne c\xe9derons pas\x94, a d\xe9clar\xe9 la d\xe9l\xe9gu\xe9e.";
        let (decoded, assumed) = decoded(text);
        assert_eq!(
            decoded,
            "Les dockers du port ont cessé le travail lundi — “nous ne céderons pas”, a déclaré la déléguée."
        );
        assert_eq!(assumed, Some("windows-1252"));
    }

    #[test]
    fn a_utf8_file_with_a_broken_byte_is_reported_where_it_breaks() {
        // Valid UTF-8 accents, then a lone Latin-1 byte: a damaged UTF-8 file, not a Latin-1 one.
        assert_eq!(
            decode("Grève à Brest, caf".bytes().chain([0xe9]).collect()),
            Err(Undecodable::InvalidUtf8 { offset: 20 })
        );
        // Not text at all.
        assert_eq!(decode(vec![0x89, b'P', b'N', b'G', 0, 0xff]), Err(Undecodable::Binary { offset: 4 }));
        // A byte-order mark declares UTF-8: an invalid byte is reported, at its offset in the file.
        assert_eq!(decode(b"\xef\xbb\xbfcaf\xe9".to_vec()), Err(Undecodable::InvalidUtf8 { offset: 6 }));
    }
}
