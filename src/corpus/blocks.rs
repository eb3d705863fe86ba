//! The blocks of a large article and which words each holds, so that a search for a quote folds and reads only the
//! blocks that can hold it instead of the whole article.
//!
//! An article larger than [`LARGE_ARTICLE`] is cut into blocks of about [`BLOCK_BYTES`] between words, and each
//! token of its folded text (see `quotes::tokens`) gets the list of blocks it occurs in: an inverted index at block
//! granularity, its lists delta-coded in one byte per block for most words (about 6% of the text). A quote can only
//! occur around a block that holds its rarest token, with all its other tokens within the span of a match; those
//! few windows are all a search reads. Tokens are kept as 32-bit hashes: a collision adds a window to read, never
//! removes one, so a quote that is in the article is always found.

use std::hash::Hasher;

use super::quotes::{self, Folded};
use crate::text::{TextRange, TextSize, range};

/// Articles larger than this many bytes get a block index; smaller ones are read whole (a few microseconds).
pub const LARGE_ARTICLE: usize = 256 * 1024;
/// The size of a block, in bytes, before it is extended to the end of its line.
pub const BLOCK_BYTES: usize = 16 * 1024;

/// The blocks of one large article and the blocks each token occurs in.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct BlockIndex {
    blocks: Vec<TextRange>,
    /// Each token's hash and the start of its list in `postings`, sorted by hash; a list ends where the next begins.
    tokens: Vec<(u32, u32)>,
    /// The block numbers of each token, in order, each as the difference from the one before (LEB128).
    postings: Vec<u8>,
}

/// The tokens of some words, as a query of a block index.
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    hashes: Vec<u32>,
}

impl Tokens {
    /// The tokens of the folded `words` (see [`quotes::tokens`]).
    pub fn of(words: &str) -> Tokens {
        let mut hashes = Vec::new();
        quotes::tokens(words, |token| hashes.push(hash(token)));
        hashes.sort_unstable();
        hashes.dedup();
        Tokens { hashes }
    }

    /// Whether there is nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

fn hash(token: &str) -> u32 {
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(token.as_bytes());
    let hash = hasher.finish();
    (hash ^ (hash >> 32)) as u32
}

impl BlockIndex {
    /// The block index of `text[body]`, or `None` when the body is not larger than [`LARGE_ARTICLE`].
    pub fn build(text: &str, body: TextRange) -> Option<BlockIndex> {
        if usize::from(body.len()) <= LARGE_ARTICLE {
            return None;
        }
        let mut blocks = Vec::new();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let (mut start, end) = (usize::from(body.start()), usize::from(body.end()));
        while start < end {
            // To the end of the line (or a space on a very long line), so that a block never cuts a word.
            let stop = crate::text::chunk_end(text, start, BLOCK_BYTES, end);
            let block = blocks.len() as u32;
            let first = pairs.len();
            quotes::tokens(&Folded::text_of(text, range(start, stop)), |token| pairs.push((hash(token), block)));
            pairs[first..].sort_unstable();
            let mut kept = first;
            for i in first..pairs.len() {
                if i == first || pairs[i] != pairs[kept - 1] {
                    pairs[kept] = pairs[i];
                    kept += 1;
                }
            }
            pairs.truncate(kept);
            blocks.push(range(start, stop));
            start = stop;
        }
        pairs.sort_unstable();
        let mut tokens: Vec<(u32, u32)> = Vec::new();
        let mut postings = Vec::with_capacity(pairs.len());
        let mut previous = 0;
        for (token, block) in pairs {
            if tokens.last().is_none_or(|&(last, _)| last != token) {
                tokens.push((token, postings.len() as u32));
                previous = 0;
            }
            leb128(&mut postings, block - previous);
            previous = block;
        }
        tokens.shrink_to_fit();
        postings.shrink_to_fit();
        Some(BlockIndex { blocks, tokens, postings })
    }

    /// The number of blocks.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Whether the article has no blocks.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The memory taken by the index, in bytes.
    pub fn bytes(&self) -> usize {
        self.blocks.len() * std::mem::size_of::<TextRange>() + self.tokens.len() * 8 + self.postings.len()
    }

    /// The bytes of a token's list of blocks: about the number of blocks when it is in many.
    fn list_bytes(&self, token: u32) -> usize {
        let Ok(at) = self.tokens.binary_search_by_key(&token, |&(hash, _)| hash) else {
            return 0;
        };
        let end = self.tokens.get(at + 1).map_or(self.postings.len(), |&(_, next)| next as usize);
        end - self.tokens[at].1 as usize
    }

    /// The blocks a token occurs in, in order; none for a token the article does not have.
    fn blocks_of(&self, token: u32) -> Vec<u32> {
        let Ok(at) = self.tokens.binary_search_by_key(&token, |&(hash, _)| hash) else {
            return Vec::new();
        };
        let start = self.tokens[at].1 as usize;
        let end = self.tokens.get(at + 1).map_or(self.postings.len(), |&(_, next)| next as usize);
        let mut blocks = Vec::new();
        let (mut bytes, mut block) = (&self.postings[start..end], 0);
        while !bytes.is_empty() {
            block += read_leb128(&mut bytes);
            blocks.push(block);
        }
        blocks
    }

    /// The block that holds `offset`.
    fn block_at(&self, offset: TextSize) -> usize {
        self.blocks.partition_point(|block| block.end() <= offset).min(self.blocks.len() - 1)
    }

    /// The ranges of the article where all of `tokens` occur within `span` bytes of each other: around each block
    /// that holds the rarest token, as far as a match of `span` bytes can reach, when every other token is in a
    /// block within that reach. Overlapping ranges are merged; in order. Every place the tokens occur together is
    /// inside one of them. Without tokens, the whole article.
    pub fn candidates(&self, text: &str, tokens: &Tokens, span: usize) -> Vec<TextRange> {
        let whole = self.blocks[0].cover(self.blocks[self.blocks.len() - 1]);
        if tokens.is_empty() {
            return vec![whole];
        }
        // A token in most blocks cannot narrow the search: when even the rarest is, read the whole article
        // rather than work out windows that would cover it (the length of a list tells, before it is read).
        let rarest_length = tokens.hashes.iter().map(|&token| self.list_bytes(token)).min().unwrap_or(0);
        if rarest_length > self.blocks.len() / 2 {
            return vec![whole];
        }
        let mut lists: Vec<Vec<u32>> = tokens.hashes.iter().map(|&token| self.blocks_of(token)).collect();
        lists.sort_by_key(Vec::len);
        let (rarest, others) = lists.split_first().expect("tokens are not empty");
        let mut windows: Vec<TextRange> = Vec::new();
        for &anchor in rarest {
            let block = self.blocks[anchor as usize];
            let low =
                floor_space(text, usize::from(block.start()).saturating_sub(span).max(usize::from(whole.start())));
            let high = ceil_space(text, (usize::from(block.end()) + span).min(usize::from(whole.end())));
            let (first, last) =
                (self.block_at(crate::text::size(low)) as u32, self.block_at(crate::text::size(high)) as u32);
            let near = |list: &Vec<u32>| {
                let at = list.partition_point(|&b| b < first);
                list.get(at).is_some_and(|&b| b <= last)
            };
            if !others.iter().all(near) {
                continue;
            }
            let window = range(low, high);
            match windows.last_mut() {
                Some(previous) if previous.end() >= window.start() => *previous = previous.cover(window),
                _ => windows.push(window),
            }
        }
        windows
    }

    /// Where to look for passages close to a quote that is not in the article: the `limit` blocks whose tokens
    /// weigh the most (a token weighs more the fewer blocks have it), best first, each with its neighbours.
    pub fn best(&self, tokens: &Tokens, limit: usize) -> Vec<TextRange> {
        let mut scores = vec![0f32; self.blocks.len()];
        for &token in &tokens.hashes {
            let blocks = self.blocks_of(token);
            let weight = (self.blocks.len() as f32 / blocks.len().max(1) as f32).ln();
            for block in blocks {
                scores[block as usize] += weight;
            }
        }
        let mut ranked: Vec<usize> = (0..self.blocks.len()).filter(|&block| scores[block] > 0.0).collect();
        ranked.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        ranked
            .into_iter()
            .take(limit)
            .map(|block| {
                self.blocks[block.saturating_sub(1)].cover(self.blocks[(block + 1).min(self.blocks.len() - 1)])
            })
            .collect()
    }
}

/// `at` moved back to just after a space or line break (or to 0), so that a window starts between words.
fn floor_space(text: &str, at: usize) -> usize {
    text.as_bytes()[..at].iter().rposition(|b| b.is_ascii_whitespace()).map_or(0, |space| space + 1)
}

/// `at` moved on to a space or line break (or to the end), so that a window ends between words.
fn ceil_space(text: &str, at: usize) -> usize {
    text.as_bytes()[at..].iter().position(|b| b.is_ascii_whitespace()).map_or(text.len(), |space| at + space)
}

fn leb128(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn read_leb128(bytes: &mut &[u8]) -> u32 {
    let mut value = 0;
    let mut shift = 0;
    while let Some((&byte, rest)) = bytes.split_first() {
        *bytes = rest;
        value |= u32::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 || shift >= 32 {
            break;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An article of `lines` numbered lines, large enough to have blocks.
    fn article(lines: usize) -> String {
        (0..lines).map(|i| format!("Line {i} of the minutes, where speaker{i} said something.\n")).collect()
    }

    fn read(windows: &[TextRange]) -> usize {
        windows.iter().map(|w| usize::from(w.len())).sum()
    }

    #[test]
    fn small_articles_have_no_blocks() {
        let text = article(10);
        assert!(BlockIndex::build(&text, range(0, text.len())).is_none());
    }

    #[test]
    fn candidates_are_where_every_token_is_near_the_rarest() {
        let text = article(20_000);
        let index = BlockIndex::build(&text, range(0, text.len())).unwrap();
        assert!(index.len() > 50, "{} blocks", index.len());
        for line in [0, 7_777, 19_999] {
            let quote = format!("where speaker{line} said");
            let candidates = index.candidates(&text, &Tokens::of(&quote), 200);
            let at = text.find(&quote).unwrap();
            assert!(
                candidates.iter().any(|c| usize::from(c.start()) <= at && at + quote.len() <= usize::from(c.end()))
            );
            assert!(read(&candidates) < BLOCK_BYTES + 1_000, "{} bytes of {} to read", read(&candidates), text.len());
        }
        assert!(index.candidates(&text, &Tokens::of("speaker99999999"), 200).is_empty());
        // Two words that are each in the article, but never near each other.
        assert!(index.candidates(&text, &Tokens::of("speaker1 speaker19999"), 200).is_empty());
        // Words that are everywhere make the whole article one window.
        assert_eq!(index.candidates(&text, &Tokens::of("of the minutes"), 200), vec![range(0, text.len())]);
    }

    #[test]
    fn a_quote_across_two_blocks_is_a_candidate() {
        let text = article(20_000);
        let index = BlockIndex::build(&text, range(0, text.len())).unwrap();
        let boundary = usize::from(index.blocks[3].end());
        // The last three words of the block and the first three of the next.
        let last_line = &text[text[..boundary - 1].rfind('\n').unwrap() + 1..boundary - 1];
        let words: Vec<&str> = last_line.split(' ').collect();
        let start = boundary - 1 - words[words.len() - 3..].join(" ").len();
        let end = boundary + text[boundary..].split(' ').take(3).collect::<Vec<_>>().join(" ").len();
        let quote = &text[start..end];
        let candidates = index.candidates(&text, &Tokens::of(&quotes::fold_quote(quote)), quote.len() * 2);
        assert!(
            candidates.iter().any(|c| usize::from(c.start()) <= start && end <= usize::from(c.end())),
            "{quote:?} in {candidates:?}"
        );
    }

    #[test]
    fn the_best_blocks_for_a_near_miss_hold_its_rare_words() {
        let text = article(20_000);
        let index = BlockIndex::build(&text, range(0, text.len())).unwrap();
        let best = index.best(&Tokens::of("where speaker12345 whispered something"), 1);
        let at = text.find("speaker12345 said").unwrap();
        assert!(usize::from(best[0].start()) <= at && at < usize::from(best[0].end()));
    }

    #[test]
    fn block_lists_round_trip() {
        let mut bytes = Vec::new();
        for value in [0, 1, 127, 128, 300, 1 << 20, u32::MAX] {
            leb128(&mut bytes, value);
        }
        let mut read_from = bytes.as_slice();
        let values: Vec<u32> = (0..7).map(|_| read_leb128(&mut read_from)).collect();
        assert_eq!(values, [0, 1, 127, 128, 300, 1 << 20, u32::MAX]);
    }
}
