//! The quote matcher on any article and quote (split at the first NUL byte): it never fails, answers within its
//! budget, and every place it finds lies on character boundaries of the article.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marginalia::text::{TextRange, TextSize};

fuzz_target!(|input: &str| {
    let (article, quote) = input.split_once('\0').unwrap_or((input, input));
    let whole = TextRange::up_to(TextSize::of(article));
    if let Ok(found) = marginalia::corpus::quotes::find_all(article, whole, quote) {
        for range in found {
            assert!(article.is_char_boundary(range.start().into()) && article.is_char_boundary(range.end().into()));
        }
    }
    for miss in marginalia::corpus::quotes::closest_passages(article, whole, quote, 3) {
        assert!(miss.range.end() <= TextSize::of(article));
    }
});
