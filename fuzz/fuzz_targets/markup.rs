//! The markup parser on any text: it never fails, and every range it returns lies on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let syntax = marginalia::markup::parse(text);
    let ok = |range: marginalia::text::TextRange| {
        let (start, end) = (usize::from(range.start()), usize::from(range.end()));
        start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end)
    };
    for citation in &syntax.citations {
        assert!(ok(citation.range));
        for item in &citation.items {
            assert!(ok(item.id_range));
            for quote in &item.quotes {
                assert!(ok(quote.range) && ok(quote.text_range));
            }
        }
    }
    for mention in &syntax.mentions {
        assert!(ok(mention.range) && ok(mention.name_range));
    }
    for error in &syntax.errors {
        assert!(ok(error.range));
    }
    for &restart in &syntax.restarts {
        marginalia::markup::parse_part(&text[usize::from(restart)..]);
    }
});
