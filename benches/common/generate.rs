//! A deterministic generator of news-like articles for benchmarks: named people with honorifics and short forms,
//! organisations with acronyms, places, curly quotes, and a little scraped noise. The same seed gives the same
//! corpus on every machine.

use std::fmt::Write;

/// A small, fast, deterministic pseudo-random generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "ri", "mo", "ten", "vel", "dor", "an", "bre", "sil", "tav", "na", "lor", "em", "quin", "har", "zo", "pel",
    "mar", "os", "lin", "ged", "rue", "fa", "ton",
];
const VERBS: &[&str] = &["said", "told reporters", "added", "warned", "confirmed", "argued"];
const TITLES: &[&str] = &["Mr", "Ms", "Dr", "President", "Minister", "General"];
const ORG_KINDS: &[&str] = &["Ministry of Trade", "Workers Union", "Port Authority", "Group", "Council", "Bank"];
const FILLER: &[&str] = &[
    "the talks stalled again after a long night of negotiation",
    "prices rose sharply in the weeks that followed",
    "officials declined to give a figure for the losses",
    "the decision was expected to face a challenge in court",
    "shipments were delayed by several days along the coast",
    "residents gathered outside the offices to demand answers",
    "the agreement would be reviewed at the end of the year",
    "analysts said the figures were worse than forecast",
];

fn word(rng: &mut Rng, syllables: usize) -> String {
    let mut w = String::new();
    for _ in 0..syllables {
        let syllable: &&str = rng.pick(SYLLABLES);
        w.push_str(syllable);
    }
    let mut chars = w.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The cast of one corpus: people, organisations and places shared by its articles.
pub struct Cast {
    people: Vec<(String, String)>,
    organisations: Vec<(String, String)>,
    places: Vec<String>,
}

impl Cast {
    pub fn new(rng: &mut Rng, size: usize) -> Cast {
        let people = (0..size).map(|_| (word(rng, 2), word(rng, 3))).collect();
        let organisations = (0..size / 4 + 1)
            .map(|_| {
                let name = format!("{} {}", word(rng, 2), rng.pick(ORG_KINDS));
                let acronym: String =
                    name.split(' ').filter_map(|w| w.chars().next()).filter(|c| c.is_uppercase()).collect();
                (name, acronym)
            })
            .collect();
        let places = (0..size / 2 + 1).map(|_| word(rng, 3)).collect();
        Cast { people, organisations, places }
    }
}

impl Cast {
    /// The full name of one person of the cast, chosen at random.
    pub fn person(&self, rng: &mut Rng) -> String {
        let (first, last) = rng.pick(&self.people);
        format!("{first} {last}")
    }
}

/// A note of `paragraphs` paragraphs about `articles` (`(id, text)` pairs), each paragraph citing one of them:
/// plain citations, exact quotes taken from the article, quotes with a word changed, entity mentions, and now
/// and then an id that no article has.
pub fn note(rng: &mut Rng, cast: &Cast, articles: &[(String, String)], paragraphs: usize) -> String {
    let mut text = String::from("# Reading notes\n\n");
    for _ in 0..paragraphs {
        let (id, article) = rng.pick(articles);
        let filler = rng.pick(FILLER);
        match rng.below(20) {
            0 => {
                let _ = writeln!(text, "It was reported that {filler} [@unknown-{}].\n", rng.below(1000));
            }
            1..=7 => {
                let _ = writeln!(text, "One report says {filler} [@{id}].\n");
            }
            8..=15 => {
                let mut words = quotable_words(rng, article);
                // One quote in four has a word its article does not have there.
                if rng.below(4) == 0 && words.len() > 2 {
                    let middle = words.len() / 2;
                    words[middle] = "zebra";
                }
                let person = cast.person(rng);
                let _ = writeln!(text, "{person} put it plainly: [@{id}, \"{}\"].\n", words.join(" "));
            }
            _ => {
                let person = cast.person(rng);
                let _ = writeln!(text, "[[{person}]] was named in the reporting [@{id}].\n");
            }
        }
    }
    text
}

/// Five to ten consecutive words of one line of `article`, without quotation marks.
fn quotable_words<'a>(rng: &mut Rng, article: &'a str) -> Vec<&'a str> {
    let lines: Vec<&str> = article.lines().filter(|line| line.split_whitespace().count() >= 12).collect();
    let line = rng.pick(&lines);
    let words: Vec<&str> =
        line.split_whitespace().filter(|w| !w.contains(['"', '\u{201C}', '\u{201D}', '(', ')', '[', ']'])).collect();
    let length = 5 + rng.below(6);
    let start = rng.below(words.len().saturating_sub(length).max(1));
    words[start..(start + length).min(words.len())].to_vec()
}

/// One article of about `target_bytes`.
pub fn article(rng: &mut Rng, cast: &Cast, target_bytes: usize) -> String {
    let mut text = String::with_capacity(target_bytes + 256);
    let (first, last) = rng.pick(&cast.people).clone();
    let (org, acronym) = rng.pick(&cast.organisations).clone();
    let place = rng.pick(&cast.places).clone();
    let _ = writeln!(text, "{org} warns of delays in {place}");
    let _ = writeln!(
        text,
        "The {org} ({acronym}) said on Monday that work in {place} would stop, according to {first} {last}, who leads it."
    );
    while text.len() < target_bytes {
        match rng.below(6) {
            0 => {
                let _ = writeln!(
                    text,
                    "\u{201C}We will not accept {} in {place},\u{201D} {} {last} {}.",
                    rng.pick(FILLER),
                    rng.pick(TITLES),
                    rng.pick(VERBS)
                );
            }
            1 => {
                let (other_first, other_last) = rng.pick(&cast.people).clone();
                let _ = writeln!(
                    text,
                    "{other_first} {other_last}, a spokesperson for the {acronym}, said {}.",
                    rng.pick(FILLER)
                );
            }
            2 => {
                let _ =
                    writeln!(text, "In {}, {}, and {}.", rng.pick(&cast.places), rng.pick(FILLER), rng.pick(FILLER));
            }
            3 => {
                let _ = writeln!(text, "{last} said the {org} had {}.", rng.pick(FILLER).replace("the ", "its "));
            }
            4 => {
                let _ =
                    writeln!(text, "According to the {acronym}, {} near {}.", rng.pick(FILLER), rng.pick(&cast.places));
            }
            _ => {
                let _ = writeln!(text, "Officials said {} and that {}.", rng.pick(FILLER), rng.pick(FILLER));
            }
        }
    }
    if rng.below(5) == 0 {
        text.push_str("Follow us on\nShare this article\n10.0.0.1\n");
    }
    text
}

/// A note of `count` mentions of people no article names (first names of four syllables and last names of five,
/// longer than any of the cast's) and `count` citations of ids no article has: half with one character of a real
/// id changed, half made up. What a writer's note about people the sources do not mention looks like.
pub fn unknown_names_note(rng: &mut Rng, articles: &[(String, String)], count: usize) -> String {
    let mut text = String::from("# People the sources do not name\n\n");
    for n in 0..count {
        let name = format!("{} {}", word(rng, 4), word(rng, 5));
        let (id, _) = rng.pick(articles);
        let id = if n % 2 == 0 {
            let mut chars: Vec<char> = id.chars().collect();
            let at = rng.below(chars.len());
            chars[at] = if chars[at] == 'x' { 'y' } else { 'x' };
            chars.into_iter().collect()
        } else {
            format!("{}-{}", word(rng, 3).to_lowercase(), rng.below(100_000))
        };
        let filler = rng.pick(FILLER);
        text.push_str(&format!("[[{name}]] said {filler} [@{id}].\n\n"));
    }
    text
}

/// A saved web page around an article's `text` (its first line the headline): a head with OpenGraph and JSON-LD
/// metadata, inline scripts and styles, a cookie banner, a navigation bar, the paragraphs with links, emphasis and
/// character references, related links and a footer. About four times the article's size, as saved news pages are
/// at the least.
pub fn page(rng: &mut Rng, text: &str) -> String {
    let mut lines = text.lines();
    let headline = lines.next().unwrap_or_default();
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('\u{2019}', "&rsquo;");
    let mut html = String::with_capacity(text.len() * 5);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{h} | The Daily Bench</title>\n\
         <meta property=\"og:title\" content=\"{h}\">\n<meta property=\"og:site_name\" content=\"The Daily Bench\">\n\
         <meta property=\"article:published_time\" content=\"2024-0{m}-1{d}T09:00:00Z\">\n\
         <link rel=\"canonical\" href=\"https://bench.example/news/{n}\">\n\
         <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"{h}\"}}</script>\n",
        h = escape(headline).replace('"', "&quot;"),
        m = 1 + rng.below(9),
        d = rng.below(10),
        n = rng.next_u64()
    );
    html.push_str("<script>\n");
    for i in 0..120 {
        let _ =
            writeln!(html, "  window.cfg{i} = {{ slot: \"ad-{}\", sizes: [[300, 250], [728, 90]] }};", rng.below(1000));
    }
    html.push_str("</script>\n<style>\n");
    for i in 0..60 {
        let _ =
            writeln!(html, "  .block-{i} > a:hover {{ color: #{:06x}; margin: {}px 0; }}", rng.below(0xffffff), i % 9);
    }
    html.push_str("</style>\n</head>\n<body>\n");
    html.push_str("<div class=\"cookie-banner\">We use cookies to give you the best experience. <button>Accept</button> <button>Settings</button></div>\n");
    html.push_str("<header><nav class=\"site-nav\"><ul>");
    for section in
        ["Home", "News", "World", "Business", "Markets", "Politics", "Sport", "Culture", "Weather", "Opinion"]
    {
        let _ = write!(html, "<li><a href=\"/{}\">{section}</a></li>", section.to_lowercase());
    }
    html.push_str("</ul></nav></header>\n<main>\n<article class=\"story\">\n");
    let _ = writeln!(html, "<h1>{}</h1>", escape(headline));
    for line in lines {
        let words: Vec<&str> = line.split(' ').collect();
        let mut paragraph = String::new();
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                paragraph.push(' ');
            }
            match rng.below(40) {
                0 => {
                    let _ = write!(paragraph, "<a href=\"/topic/{i}\">{}</a>", escape(word));
                }
                1 => {
                    let _ = write!(paragraph, "<em>{}</em>", escape(word));
                }
                _ => paragraph.push_str(&escape(word)),
            }
        }
        let _ = writeln!(html, "<p>{paragraph}</p>");
        if rng.below(12) == 0 {
            html.push_str("<div class=\"ad-slot\"><!-- advert --><script>renderAd()</script></div>\n");
        }
    }
    html.push_str("</article>\n<aside class=\"related\"><h2>More stories</h2><ul>");
    for i in 0..8 {
        let _ = write!(html, "<li><a href=\"/story/{i}\">{}</a></li>", FILLER[rng.below(FILLER.len())]);
    }
    html.push_str("</ul></aside>\n</main>\n<footer><p>&copy; 2024 The Daily Bench</p><ul>");
    for link in ["About", "Contact", "Privacy", "Terms", "Advertise", "Careers"] {
        let _ = write!(html, "<li><a href=\"/{}\">{link}</a></li>", link.to_lowercase());
    }
    html.push_str("</ul></footer>\n</body>\n</html>\n");
    html
}

/// A PDF of an article's `text` (its first line the title), written with `lopdf` as a word processor writes one:
/// A4 pages of 11-point Helvetica (WinAnsi encoding), lines wrapped at 90 characters, 52 lines a page, a blank line
/// between paragraphs, the content streams compressed, the title in the Info dictionary.
pub fn pdf(text: &str) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};

    let mut lines: Vec<String> = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > 90 {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
        lines.push(String::new());
    }
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let font = document.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources = document.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids: Vec<Object> = Vec::new();
    for page in lines.chunks(52) {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new("TL", vec![14.into()]),
            Operation::new("Td", vec![56.into(), 780.into()]),
        ];
        for line in page {
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(line);
            operations.push(Operation::new("Tj", vec![Object::string_literal(bytes.into_owned())]));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations }.encode().unwrap();
        let contents = document.add_object(Stream::new(dictionary! {}, content));
        kids.push(
            document.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => contents }).into(),
        );
    }
    let count = kids.len() as i64;
    document.objects.insert(
        pages_id,
        dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }
        .into(),
    );
    let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let title = text.lines().next().unwrap_or_default();
    let info =
        document.add_object(dictionary! { "Title" => Object::string_literal(title), "Producer" => "marginalia bench" });
    document.trailer.set("Root", catalog);
    document.trailer.set("Info", info);
    document.compress();
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).unwrap();
    bytes
}
