//! Pass 2 of entity extraction, over the whole corpus: judges each article's candidates against the corpus's
//! word statistics, clusters the names into entities (acronyms, initialisms, suffixes, surnames, demonyms,
//! configured overrides), and gives each a canonical name, a type and a description.

use std::borrow::Cow;

use super::*;

#[derive(Default)]
struct Cluster {
    /// Each name form with how often it was written.
    names: HashMap<String, u32>,
    mentions: Vec<EntityOccurrence>,
    demonyms: Vec<String>,
    demonym_mentions: Vec<EntityOccurrence>,
    titled: u32,
    place_context: u32,
    /// Mentions in page furniture or title-case headlines.
    furniture_mentions: u32,
    merged_into: Option<usize>,
    hidden: bool,
    kind: Option<EntityKind>,
}

/// Clusters the candidates of all articles into entities and applies the user's overrides.
pub(crate) fn build_index<'a>(
    sources: &'a [std::sync::Arc<Source>],
    word_counts: &WordStats,
    overrides: &EntityOverrides,
) -> EntityIndex {
    use rayon::prelude::*;
    // Names written in the prose of some article: evidence for the same names in furniture and title case.
    let attested: HashSet<u64> = sources
        .par_iter()
        .fold(HashSet::default, |mut attested, source| {
            let spans = source.candidates().0.spans.iter();
            let prose = spans.filter(|s| !s.has(Span::FURNITURE | Span::TITLE_CASE));
            attested.extend(prose.map(|s| name_hash(&source.text[s.range])));
            attested
        })
        .reduce(HashSet::default, |a, b| {
            let (mut larger, smaller) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            larger.extend(smaller);
            larger
        });
    // Deciding which candidates are names is per article and runs in parallel; clustering is sequential and
    // takes each batch while the next one is judged (`rayon::join`, which never blocks a worker: the corpus is
    // built inside the thread pool). A batch holds at most `BATCH_SPANS` candidates, a large article being cut
    // into parts, so that the names waiting to be clustered stay few whatever the size of one article.
    const BATCH_SPANS: usize = 64 * 1024;
    let parts = article_parts(sources, BATCH_SPANS / 4);
    let batches = batches(&parts, BATCH_SPANS);
    let judge = |batch: &[Part]| -> Vec<(u32, Vec<AcceptedName<'a>>)> {
        batch
            .par_iter()
            .map(|part| {
                let source: &'a Source = &sources[part.source as usize];
                (part.source, accepted_names(source, part.spans.clone(), word_counts, &attested))
            })
            .collect()
    };
    let mut clusters = Clusters::default();
    let mut judged: Option<Vec<(u32, Vec<AcceptedName<'a>>)>> = None;
    for batch in batches {
        let previous = judged.take();
        let (accepted, ()) = rayon::join(
            || judge(batch),
            || {
                if let Some(names) = previous {
                    clusters.add_batch(names);
                }
            },
        );
        judged = Some(accepted);
    }
    if let Some(names) = judged {
        clusters.add_batch(names);
    }
    let mut merger = Merger { clusters: clusters.clusters, by_key: clusters.by_key };
    for (acronym, expansion) in &clusters.acronym_pairs {
        merger.merge_keys(acronym, expansion);
    }
    merger.merge_org_suffixes();
    merger.merge_initialisms();
    merger.merge_acronym_prefixes();
    merger.merge_surnames();
    merger.merge_elliptical_compass_names();
    merger.attach_demonyms();
    merger.apply_overrides(overrides);
    merger.finish(sources)
}

/// Accepted names grouped by lookup key, before the merges.
#[derive(Default)]
struct Clusters {
    clusters: Vec<Cluster>,
    by_key: HashMap<String, usize>,
    /// The keys of acronyms and of the names they were written after.
    acronym_pairs: Vec<(String, String)>,
    /// Holds the key of the name being added, so that keys are allocated only for new clusters.
    key_buffer: String,
}

impl Clusters {
    /// Adds the names accepted in a batch of articles, the first of which is at `first_source`.
    fn add_batch(&mut self, batch: Vec<(u32, Vec<AcceptedName<'_>>)>) {
        for (source, names) in batch {
            self.add(source, names);
        }
    }

    /// Adds the names accepted in the article at `source`.
    fn add(&mut self, source: u32, names: Vec<AcceptedName<'_>>) {
        for accepted in names {
            let mut whole = None;
            for Piece { name, range } in accepted.pieces.into_iter().flatten() {
                key_into(&name, &mut self.key_buffer);
                let index = match self.by_key.get(self.key_buffer.as_str()) {
                    Some(&index) => index,
                    None => {
                        self.clusters.push(Cluster::default());
                        self.by_key.insert(self.key_buffer.clone(), self.clusters.len() - 1);
                        self.clusters.len() - 1
                    }
                };
                let cluster = &mut self.clusters[index];
                match cluster.names.get_mut(name.as_ref()) {
                    Some(count) => *count += 1,
                    None => {
                        cluster.names.insert(name.into_owned(), 1);
                    }
                }
                cluster.mentions.push(EntityOccurrence { source, range });
                cluster.furniture_mentions += u32::from(accepted.furniture);
                whole = Some(index);
            }
            let Some(index) = whole.filter(|_| accepted.whole) else {
                continue;
            };
            let cluster = &mut self.clusters[index];
            cluster.titled += u32::from(accepted.titled);
            cluster.place_context += u32::from(accepted.place_context);
            if let Some(titled_name) = accepted.titled_name {
                cluster.names.entry(titled_name).or_default();
            }
            if let Some(pair) = accepted.acronym_pair {
                self.acronym_pairs.push(pair);
            }
        }
    }
}

/// A candidate accepted as a name, ready to be clustered.
struct AcceptedName<'a> {
    /// The names in it: one, or two for a compound ("Kremlin-Pyongyang").
    pieces: [Option<Piece<'a>>; 2],
    /// The candidate is one name (not split), so the facts below are about it.
    whole: bool,
    furniture: bool,
    titled: bool,
    place_context: bool,
    /// "Mr Kirby" for "Kirby" written after an honorific.
    titled_name: Option<String>,
    /// The keys of an acronym and of the name it was written after.
    acronym_pair: Option<(String, String)>,
}

/// The candidates of one article that are names, after the corpus's evidence about their words.
/// One name of an accepted candidate, as written (spaces collapsed), with its range in the article.
struct Piece<'a> {
    name: Cow<'a, str>,
    range: TextRange,
}

/// Some of the candidates of one article, judged together.
struct Part {
    source: u32,
    spans: std::ops::Range<usize>,
}

/// The articles' candidates in order, an article cut into parts of at most `max_spans` candidates.
fn article_parts(sources: &[std::sync::Arc<Source>], max_spans: usize) -> Vec<Part> {
    let mut parts = Vec::with_capacity(sources.len());
    for (index, source) in sources.iter().enumerate() {
        let spans = source.candidates().0.spans.len();
        let mut start = 0;
        loop {
            let end = (start + max_spans).min(spans);
            parts.push(Part { source: index as u32, spans: start..end });
            start = end;
            if start >= spans {
                break;
            }
        }
    }
    parts
}

/// Consecutive parts of at most `max_spans` candidates in all (or one part, when it alone has more).
fn batches(parts: &[Part], max_spans: usize) -> impl Iterator<Item = &[Part]> {
    let mut rest = parts;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut spans = 0;
        let length = rest
            .iter()
            .position(|part| {
                spans += part.spans.len();
                spans > max_spans
            })
            .map_or(rest.len(), |overflow| overflow.max(1));
        let (batch, after) = rest.split_at(length);
        rest = after;
        Some(batch)
    })
}

fn accepted_names<'a>(
    source: &'a Source,
    spans: std::ops::Range<usize>,
    word_counts: &WordStats,
    attested: &HashSet<u64>,
) -> Vec<AcceptedName<'a>> {
    let mut accepted = Vec::new();
    let all_extras = &source.candidates().0.extras;
    let mut extras =
        all_extras[all_extras.partition_point(|extra| (extra.span as usize) < spans.start)..].iter().peekable();
    for (span_index, span) in source.candidates().0.spans[spans.clone()].iter().enumerate() {
        let span_index = spans.start + span_index;
        let extra = extras.next_if(|extra| extra.span as usize == span_index);
        let (title, acronym) = extra.map_or((None, None), |extra| (extra.title, extra.acronym));
        let all_tokens = word_ranges(&source.text, span.range);
        let mut tokens: &[TextRange] = &all_tokens;
        let word_of = |r: &TextRange| &source.text[*r];
        if span.has(Span::UNCERTAIN_START) {
            let first = word_of(&tokens[0]);
            let count = word_counts.get(first);
            let never_inside = count.capitalised_inside == 0;
            // "Officials of the PDA": an unproven first word joined by a connector is not part of the name.
            let joined_by_connector = tokens.len() > 1 && CONNECTORS.contains(word_of(&tokens[1]));
            if is_stopword(first) || (never_inside && (count.lower > 0 || joined_by_connector)) {
                tokens = &tokens[1..];
                while tokens.len() > 1
                    && (CONNECTORS.contains(word_of(&tokens[0])) || word_of(&tokens[0]).eq_ignore_ascii_case("the"))
                {
                    tokens = &tokens[1..];
                }
            }
        }
        if span.has(Span::BEFORE_TITLE) && tokens.len() == 1 {
            let count = word_counts.get(&source.text[tokens[0]]);
            if count.capitalised_inside < 2 && !is_all_caps(&source.text[tokens[0]]) {
                continue;
            }
        }
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            continue;
        };
        let name = single_spaced(&source.text[first.cover(*last)]);
        if name.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            continue;
        }
        // "MPs", "Senators": people by their office, not by name.
        if tokens.len() == 1 && name.strip_suffix('s').is_some_and(is_title_head) {
            continue;
        }
        if span.has(Span::UNCERTAIN_START) && tokens.len() == 1 && all_tokens.len() == 1 && !is_all_caps(&name) {
            let count = word_counts.get(&name);
            let inflected = ["ly", "ed", "ing"].iter().any(|suffix| name.ends_with(suffix));
            if count.capitalised_inside == 0 && (inflected || span.has(Span::NEXT_LOWERCASE)) {
                continue;
            }
        }
        if tokens.len() == 1 && title.is_none() {
            let count = word_counts.get(&name);
            // A word mostly written in lowercase is a common word, not a name.
            if count.lower >= 2 && count.lower >= 3 * count.capitalised_inside.max(1) {
                continue;
            }
        }
        let range = first.cover(*last);
        let pieces = split_compound(&source.text, range, tokens, attested);
        let whole = pieces[1].is_none();
        let furniture = span.has(Span::FURNITURE) || span.has(Span::TITLE_CASE);
        if furniture && whole {
            // Capitals prove little in page furniture and title case: keep what reads as a name on its own.
            let content: Vec<&str> = tokens
                .iter()
                .map(|t| &source.text[*t])
                .filter(|w| !CONNECTORS.contains(w) && !is_stopword(w))
                .collect();
            let common = content.iter().filter(|w| word_counts.get(w).lower > 0).count();
            let reads_as_name = attested.contains(&name_hash(&name))
                || looks_like_acronym_or_brand(&name)
                || span.has(Span::TITLED)
                || (tokens.len() == 1 && span.has(Span::PLACE_CONTEXT))
                || (content.len() >= 2 && common * 2 < content.len());
            if !reads_as_name {
                continue;
            }
        }
        let titled_name = title.map(|title| format!("{} {}", &source.text[title], name));
        let acronym_pair = acronym.map(|acronym| (key(&source.text[acronym]), key(&name)));
        let pieces = pieces.map(|piece| {
            piece.map(|piece| Piece {
                name: if piece == range { name.clone() } else { Cow::Borrowed(&source.text[piece]) },
                range: piece,
            })
        });
        accepted.push(AcceptedName {
            pieces,
            whole,
            furniture,
            titled: span.has(Span::TITLED),
            place_context: span.has(Span::PLACE_CONTEXT),
            titled_name,
            acronym_pair,
        });
    }
    accepted
}

struct Merger {
    clusters: Vec<Cluster>,
    by_key: HashMap<String, usize>,
}

impl Merger {
    fn root(&self, mut index: usize) -> usize {
        while let Some(next) = self.clusters[index].merged_into {
            index = next;
        }
        index
    }

    fn find(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).map(|&i| self.root(i))
    }

    /// Moves everything of cluster `from` into cluster `into`.
    fn merge(&mut self, from: usize, into: usize) {
        let (from, into) = (self.root(from), self.root(into));
        if from == into {
            return;
        }
        let moved = std::mem::take(&mut self.clusters[from]);
        let target = &mut self.clusters[into];
        for (name, count) in moved.names {
            *target.names.entry(name).or_default() += count;
        }
        target.mentions.extend(moved.mentions);
        target.demonyms.extend(moved.demonyms);
        target.demonym_mentions.extend(moved.demonym_mentions);
        target.titled += moved.titled;
        target.furniture_mentions += moved.furniture_mentions;
        target.place_context += moved.place_context;
        target.hidden |= moved.hidden;
        target.kind = target.kind.or(moved.kind);
        self.clusters[from].merged_into = Some(into);
    }

    fn merge_keys(&mut self, from: &str, into: &str) {
        if let (Some(from), Some(into)) = (self.find(from), self.find(into)) {
            self.merge(from, into);
        }
    }

    fn live(&self) -> Vec<usize> {
        (0..self.clusters.len())
            .filter(|&i| self.clusters[i].merged_into.is_none() && !self.clusters[i].names.is_empty())
            .collect()
    }

    /// "Wagner Group" and "Wagner" are one organisation, "Kursk Oblast" and "Kursk" one place.
    fn merge_org_suffixes(&mut self) {
        let keys: Vec<(String, usize)> = self.by_key.iter().map(|(k, &i)| (k.clone(), i)).collect();
        for (full, index) in keys {
            let Some((stem, last)) = full.rsplit_once(' ') else {
                continue;
            };
            if (ORG_SUFFIXES.contains(last) || PLACE_SUFFIXES.contains(last))
                && let Some(stem_index) = self.find(stem)
            {
                self.merge(stem_index, index);
            }
        }
    }

    /// "US" is "United States" and "NIS" the "National Intelligence Service" when exactly one organisation or
    /// place of the corpus has those initials.
    fn merge_initialisms(&mut self) {
        let mut by_initials: HashMap<String, Vec<usize>> = HashMap::default();
        for (full, &index) in &self.by_key {
            let words: Vec<&str> = full.split(' ').filter(|w| !CONNECTORS.contains(w) && *w != "the").collect();
            if words.len() < 2 || !words.iter().any(|w| is_org_or_place_word(w)) || self.clusters[index].titled > 0 {
                continue;
            }
            let initials: String = words.iter().filter_map(|w| w.chars().next()).collect();
            let list = by_initials.entry(initials).or_default();
            let root = self.root(index);
            if !list.contains(&root) {
                list.push(root);
            }
        }
        for index in self.live() {
            let cluster = &self.clusters[index];
            let acronym = cluster.names.keys().find(|n| is_all_caps(n) && !n.contains(' ') && n.len() <= 6);
            if cluster.names.len() != 1 || cluster.titled > 0 {
                continue;
            }
            if let Some(acronym) = acronym
                && let Some([expansion]) = by_initials.get(&acronym.to_lowercase()).map(Vec::as_slice)
                && self.root(*expansion) != index
            {
                self.merge(index, *expansion);
            }
        }
    }

    /// "UN Security Council" is "United Nations Security Council": a name that begins with an acronym of the
    /// words another name begins with, and goes on the same.
    fn merge_acronym_prefixes(&mut self) {
        let keys: Vec<(String, usize)> = self.by_key.iter().map(|(k, &i)| (k.clone(), i)).collect();
        for (full, index) in keys {
            let words: Vec<&str> = full.split(' ').collect();
            for spelled in 2..=4.min(words.len().saturating_sub(1)) {
                let initials: String = (words[..spelled].iter())
                    .filter(|w| !CONNECTORS.contains(w) && **w != "the")
                    .filter_map(|w| w.chars().next())
                    .collect();
                let short = format!("{initials} {}", words[spelled..].join(" "));
                let Some(short_index) = self.find(&short) else {
                    continue;
                };
                // The long form spells its words out ("United Nations", not "US National").
                let spelled_out = self.clusters[index]
                    .names
                    .keys()
                    .any(|name| name.split(' ').take(spelled).all(|w| w.chars().count() > 1 && !is_all_caps(w)));
                if !spelled_out {
                    continue;
                }
                // The short form is written with the acronym in capitals ("UN", not "Un").
                let written_as_acronym = self.clusters[short_index]
                    .names
                    .keys()
                    .any(|name| name.split(' ').next().is_some_and(|first| is_all_caps(first) && first.len() >= 2));
                if written_as_acronym {
                    self.merge(short_index, index);
                }
            }
        }
    }

    /// "the North", in an article about North Korea, is North Korea: a compass word standing alone is the one
    /// place named with it in every article that uses it; where that is not one place, it is no entity.
    fn merge_elliptical_compass_names(&mut self) {
        for compass in ["north", "south", "east", "west"] {
            let Some(alone) = self.find(compass) else {
                continue;
            };
            let prefix = format!("{compass} ");
            let mut places: Vec<usize> = (self.by_key.iter())
                .filter(|(key, _)| key.starts_with(&prefix) && key.split(' ').count() == 2)
                // "North Korean" is the demonym of "North Korea", not another place.
                .filter(|(key, _)| !demonym_bases(key).any(|base| self.by_key.contains_key(&base)))
                .map(|(_, &index)| self.root(index))
                .filter(|&root| root != alone)
                .collect();
            places.sort_unstable();
            places.dedup();
            let named_beside = |place: &usize| {
                (self.clusters[alone].mentions.iter())
                    .all(|m| self.clusters[*place].mentions.iter().any(|p| p.source == m.source))
            };
            match places.iter().filter(|p| named_beside(p)).collect::<Vec<_>>().as_slice() {
                [place] => {
                    let place = **place;
                    self.merge(alone, place);
                }
                _ => self.clusters[alone].hidden = true,
            }
        }
    }

    /// "Kirby" is "John Kirby" when exactly one multi-word person name ends in "Kirby".
    fn merge_surnames(&mut self) {
        let mut owners: HashMap<String, Vec<usize>> = HashMap::default();
        for (full, &index) in &self.by_key {
            let words: Vec<&str> = full.split(' ').collect();
            if !(2..=4).contains(&words.len())
                || words.iter().any(|w| is_org_or_place_word(w) || CONNECTORS.contains(w))
            {
                continue;
            }
            let surname = words[words.len() - 1].to_string();
            let root = self.root(index);
            let list = owners.entry(surname).or_default();
            if !list.contains(&root) {
                list.push(root);
            }
        }
        for (surname, full_names) in owners {
            let Some(short) = self.find(&surname) else {
                continue;
            };
            // Two people share the surname: "Singh" is the one named in full in every article that says "Singh".
            let short_articles = |owner: &usize| {
                self.clusters[short]
                    .mentions
                    .iter()
                    .all(|m| self.clusters[*owner].mentions.iter().any(|f| f.source == m.source))
            };
            let owner = match full_names.as_slice() {
                [owner] => *owner,
                many => match many.iter().filter(|o| short_articles(o)).collect::<Vec<_>>().as_slice() {
                    [owner] => **owner,
                    _ => continue,
                },
            };
            let short_cluster = &self.clusters[short];
            let full_cluster = &self.clusters[owner];
            // The short form is written as in the full name ("Un" is not "UN"),
            let same_spelling = short_cluster.names.keys().any(|short_name| {
                full_cluster.names.keys().any(|full_name| full_name.ends_with(&format!(" {short_name}")))
            });
            // the two are a person by title ("Mr Kirby") or the short form is only used where the full name
            // was given first, and the short form is not a place.
            let a_person = short_cluster.titled + full_cluster.titled > 0;
            let introduced = short_cluster
                .mentions
                .iter()
                .all(|short| full_cluster.mentions.iter().any(|full| full.source == short.source));
            let a_place = short_cluster.place_context * 2 > short_cluster.mentions.len() as u32;
            if same_spelling && (a_person || introduced) && !a_place {
                self.merge(short, owner);
            }
        }
    }

    /// "Russian" is a demonym of Russia and "North Korean" of North Korea, not entities of their own.
    fn attach_demonyms(&mut self) {
        for index in self.live() {
            let names: Vec<String> = self.clusters[index].names.keys().cloned().collect();
            // "Russian Federation", "French Republic": the demonym of a place with a word for a state is its name.
            if let [name] = names.as_slice()
                && let Some((demonym, last)) = name.rsplit_once(' ')
                && PLACE_WORDS.contains(last)
                && !demonym.contains(' ')
                && let Some(base) = demonym_bases(demonym).find_map(|base| self.find(&key(&base)))
                && base != index
            {
                self.merge(index, base);
                continue;
            }
            let Some(demonym) = names.iter().find(|n| demonym_bases(n).next().is_some()) else {
                continue;
            };
            if names.len() > 1 || self.clusters[index].titled > 0 {
                continue;
            }
            let base = demonym_bases(demonym).find_map(|base| self.find(&key(&base)));
            match base {
                Some(base) if base != index => {
                    let moved = std::mem::take(&mut self.clusters[index]);
                    let target = &mut self.clusters[base];
                    target.demonyms.push(demonym.clone());
                    target.demonym_mentions.extend(moved.mentions);
                    self.clusters[index].merged_into = Some(base);
                }
                Some(_) => {}
                None if looks_like_demonym(demonym) => self.clusters[index].hidden = true,
                None => {}
            }
        }
    }

    fn apply_overrides(&mut self, overrides: &EntityOverrides) {
        for configured in &overrides.entities {
            let index = self.clusters.len();
            self.clusters.push(Cluster { kind: configured.kind, ..Cluster::default() });
            self.clusters[index].names.insert(configured.name.clone(), CONFIGURED);
            for alias in &configured.aliases {
                self.clusters[index].names.entry(alias.clone()).or_insert(0);
            }
            for name in std::iter::once(&configured.name).chain(&configured.aliases) {
                if let Some(existing) = self.find(&key(name)) {
                    self.merge(existing, index);
                }
                self.by_key.insert(key(name), index);
            }
        }
        for name in &overrides.hide {
            if let Some(index) = self.find(&key(name)) {
                self.clusters[index].hidden = true;
            }
        }
    }

    fn finish(self, sources: &[std::sync::Arc<Source>]) -> EntityIndex {
        let mut entities: Vec<Entity> = Vec::new();
        for index in self.live() {
            let cluster = &self.clusters[index];
            if cluster.hidden {
                continue;
            }
            let name = canonical_name(&cluster.names);
            let mut aliases: Vec<String> = cluster.names.keys().filter(|n| **n != name).cloned().collect();
            aliases.sort();
            let mut demonyms = cluster.demonyms.clone();
            demonyms.sort();
            demonyms.dedup();
            let mut mentions = cluster.mentions.clone();
            mentions.sort_by_key(|m| (m.source, m.range.start()));
            let mut articles: Vec<u32> = mentions.iter().map(|m| m.source).collect();
            articles.dedup();
            // The fullest of the roles the first mentions give ("leader of the Coastal Dockers Union" over
            // "Union leader"), the earliest among equals.
            let description = (mentions.iter().take(32))
                .filter_map(|m| describe(&sources[m.source as usize].text, m.range))
                .rev()
                .max_by_key(|role| role.chars().count());
            let kind = cluster.kind.unwrap_or_else(|| match guess_kind(cluster, &name) {
                EntityKind::Other if description.is_some() => EntityKind::Person,
                kind => kind,
            });
            let description = description.or_else(|| {
                (kind == EntityKind::Place && words::is_capital(&name) && stands_for_government(sources, &mentions))
                    .then(|| "capital; mostly names its government here".to_string())
            });
            let boilerplate = cluster.furniture_mentions as usize >= mentions.len() && !mentions.is_empty();
            let article_count = articles.len();
            entities.push(Entity { name, kind, aliases, demonyms, article_count, mentions, description, boilerplate });
        }
        entities.sort_by(|a, b| {
            (a.boilerplate, std::cmp::Reverse(a.mentions.len()), &a.name).cmp(&(
                b.boilerplate,
                std::cmp::Reverse(b.mentions.len()),
                &b.name,
            ))
        });
        let mut by_key = HashMap::default();
        for (i, entity) in entities.iter().enumerate() {
            for name in entity.names().chain(entity.demonyms.iter().map(String::as_str)) {
                by_key.entry(key(name)).or_insert(i);
            }
        }
        EntityIndex { entities, by_key }
    }
}

/// The configured name if there is one; else the most complete form of the most frequent name ("John Kirby"
/// for "Kirby", but "Russia" rather than "Russian Federation"); acronyms only when there is nothing else.
fn canonical_name(names: &HashMap<String, u32>) -> String {
    if let Some((configured, _)) = names.iter().find(|(_, count)| **count >= CONFIGURED) {
        return configured.clone();
    }
    let acronym = |n: &str| is_all_caps(n) && !n.contains(' ');
    let titled = |n: &str| n.split(' ').next().is_some_and(is_title_head);
    let most_frequent = names
        .iter()
        .filter(|(name, _)| !acronym(name) && !titled(name))
        .max_by(|(a, ca), (b, cb)| (*ca, std::cmp::Reverse(*a)).cmp(&(*cb, std::cmp::Reverse(*b))))
        .map(|(name, _)| format!(" {name} "));
    names
        .iter()
        .filter(|(name, _)| !titled(name))
        .filter(|(name, _)| most_frequent.as_ref().is_none_or(|m| format!(" {name} ").contains(m.as_str())))
        .max_by(|(a, ca), (b, cb)| {
            let words = |n: &str| n.split(' ').count();
            let acronym = |n: &str| is_all_caps(n) && !n.contains(' ');
            (!acronym(a), words(a), *ca, std::cmp::Reverse(*a)).cmp(&(
                !acronym(b),
                words(b),
                *cb,
                std::cmp::Reverse(*b),
            ))
        })
        .or_else(|| names.iter().next())
        .map(|(name, _)| name.clone())
        .unwrap_or_default()
}

fn guess_kind(cluster: &Cluster, name: &str) -> EntityKind {
    // The head of a name is its last word: "North Korean Foreign Ministry" is an organisation.
    let last = name.rsplit(' ').next().unwrap_or("").to_lowercase();
    if ORG_WORDS.contains(&last) || ORG_SUFFIXES.contains(&last) {
        return EntityKind::Organisation;
    }
    if PLACE_WORDS.contains(&last) || PLACE_SUFFIXES.contains(&last) {
        return EntityKind::Place;
    }
    let words: Vec<String> = cluster.names.keys().flat_map(|n| n.split(' ').map(str::to_lowercase)).collect();
    if words.iter().any(|w| PLACE_WORDS.contains(w.as_str())) {
        return EntityKind::Place;
    }
    if words.iter().any(|w| ORG_WORDS.contains(w.as_str())) {
        return EntityKind::Organisation;
    }
    if cluster.titled > 0 {
        return EntityKind::Person;
    }
    // Names whose type the text seldom shows ("Moscow said", "Nato warned").
    if cluster.names.keys().any(|n| words::is_body(n)) {
        return EntityKind::Organisation;
    }
    if words::is_capital(name) {
        return EntityKind::Place;
    }
    if !cluster.demonyms.is_empty() || cluster.place_context * 2 > cluster.mentions.len() as u32 {
        return EntityKind::Place;
    }
    if cluster.names.keys().any(|n| is_all_caps(n)) {
        return EntityKind::Organisation;
    }
    let name_words = name.split(' ').count();
    if (2..=3).contains(&name_words) && cluster.names.len() > 1 {
        return EntityKind::Person;
    }
    EntityKind::Other
}

/// Whether most `mentions` of a place are the subject of what a government does ("Moscow said", "Seoul has
/// warned", "Pyongyang denied"): a capital used for its government, as news writes it.
fn stands_for_government(sources: &[std::sync::Arc<Source>], mentions: &[EntityOccurrence]) -> bool {
    let acting = mentions
        .iter()
        .filter(|m| {
            let text = &sources[m.source as usize].text;
            let after = text[usize::from(m.range.end())..].split_whitespace().take(2).collect::<Vec<_>>();
            let verb = match after.as_slice() {
                [auxiliary, verb, ..] if matches!(*auxiliary, "has" | "had" | "have" | "will" | "would") => verb,
                [verb, ..] => verb,
                [] => return false,
            };
            words::GOVERNMENT_VERBS.contains(verb.trim_end_matches(|c: char| !c.is_alphabetic()))
        })
        .count();
    acting * 2 > mentions.len()
}

/// A hash of a name's lookup [`key`], computed without allocating.
fn name_hash(name: &str) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (n, word) in name.split_whitespace().enumerate() {
        if n > 0 {
            hash = (hash ^ u64::from(b' ')).wrapping_mul(PRIME);
        }
        for c in word.chars().filter(|&c| c != '.').flat_map(char::to_lowercase) {
            hash = (hash ^ u64::from(u32::from(c))).wrapping_mul(PRIME);
        }
    }
    hash
}

/// "NDTV", "comScore", "NDTV.com": a single word that is a name by its shape.
fn looks_like_acronym_or_brand(name: &str) -> bool {
    if name.contains(' ') {
        return false;
    }
    let inner_capital = name.chars().skip(1).any(char::is_uppercase) && name.chars().any(char::is_lowercase);
    let domain = name.split_once('.').is_some_and(|(a, b)| !a.is_empty() && b.len() >= 2);
    is_all_caps(name) || inner_capital || domain
}

/// A mention that names two entities: "Kremlin-Pyongyang" (both written alone elsewhere), or a wire service's
/// dateline "IANS Washington" (an acronym before a name written alone elsewhere). Otherwise the whole range.
fn split_compound(
    text: &str,
    range: TextRange,
    words: &[TextRange],
    attested: &HashSet<u64>,
) -> [Option<TextRange>; 2] {
    let attested = |r: TextRange| attested.contains(&name_hash(&text[r]));
    if let [word] = words
        && let Some((left, right)) = text[*word].split_once('-')
        && left.starts_with(char::is_uppercase)
        && right.starts_with(char::is_uppercase)
    {
        let middle = word.start() + text_size::TextSize::of(left);
        let (left, right) =
            (TextRange::new(word.start(), middle), TextRange::new(middle + text_size::TextSize::from(1), word.end()));
        if attested(left) && attested(right) {
            return [Some(left), Some(right)];
        }
    }
    if let [first, second, ..] = words
        && is_all_caps(&text[*first])
        && !attested(range)
    {
        let rest = second.cover(words[words.len() - 1]);
        if attested(rest) {
            return [Some(*first), Some(rest)];
        }
    }
    [Some(range), None]
}

/// The words of a name separated by single spaces: borrowed when the text already is.
fn single_spaced(text: &str) -> Cow<'_, str> {
    if text.contains(|c: char| c.is_whitespace() && c != ' ') || text.contains("  ") {
        Cow::Owned(crate::corpus::collapse_whitespace(text))
    } else {
        Cow::Borrowed(text)
    }
}

/// The count given to a configured entity's name, which makes it the canonical name.
const CONFIGURED: u32 = u32::MAX / 2;

/// The role an article gives a person where it names them: the title before the name ("White House national
/// security spokesman John Kirby") or an apposition after it ("Andriy Yermak, the chief of staff to …,").
fn describe(text: &str, mention: TextRange) -> Option<String> {
    let line_start = text[..usize::from(mention.start())].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..usize::from(mention.start())];
    let mut words: Vec<&str> = Vec::new();
    for word in before.split(' ').rev().skip_while(|w| w.is_empty()) {
        let plain = word.trim_end_matches('.');
        let capitalised =
            plain.starts_with(char::is_uppercase) && plain.chars().all(|c| c.is_alphanumeric() || c == '-');
        let lower = plain.to_lowercase();
        let title_word = TITLE_HEADS.contains(&lower) || TITLE_MODIFIERS.contains(&lower);
        if words.len() >= 8 || !(capitalised || title_word || (lower == "of" && !words.is_empty())) {
            break;
        }
        words.push(word);
    }
    while words.last().is_some_and(|w| CONNECTORS.contains(w)) {
        words.pop();
    }
    words.reverse();
    let honorific = |w: &&str| NAME_ABBREVIATIONS.contains(w.trim_end_matches('.'));
    if words.len() >= 2 && words.last().is_some_and(|w| is_title_head(w)) && !words.iter().all(honorific) {
        return Some(words.join(" "));
    }
    let after = text[usize::from(mention.end())..].strip_prefix(", ")?;
    let apposition = &after[..after.find([',', '.', '\n', ';', '(', ')'])?];
    let apposition = apposition.strip_prefix("the ").unwrap_or(apposition);
    let count = apposition.split(' ').count();
    ((2..=10).contains(&count) && apposition.split(' ').any(|w| is_title_head(w.trim_end_matches("'s"))))
        .then(|| apposition.to_string())
}

/// The ranges of the whitespace-separated words of `text[range]`.
fn word_ranges(text: &str, range: TextRange) -> Vec<TextRange> {
    let base = usize::from(range.start());
    let slice = &text[range];
    let mut words = Vec::with_capacity(4);
    let mut start = None;
    for (i, c) in slice.char_indices() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                words.push(crate::text::range(base + s, base + i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(crate::text::range(base + s, base + slice.len()));
    }
    words
}

/// The place names a demonym may derive from: "Ukrainian" → "Ukraine", "North Korean" → "North Korea".
fn demonym_bases(name: &str) -> impl Iterator<Item = String> + '_ {
    const RULES: &[(&str, &str)] = &[
        ("ian", "ia"),
        ("ian", "e"),
        ("ian", ""),
        ("ean", "ea"),
        ("an", "a"),
        ("an", ""),
        ("n", ""),
        ("ese", ""),
        ("ese", "a"),
        ("i", ""),
        ("ish", ""),
        ("ish", "land"),
    ];
    let (prefix, last) = name.rsplit_once(' ').map_or(("", name), |(p, l)| (p, l));
    RULES.iter().filter_map(move |(suffix, replacement)| {
        let stem = last.strip_prefix("N.").map_or(last, |rest| rest).strip_suffix(suffix)?;
        if stem.chars().count() < 3 || !last.starts_with(char::is_uppercase) {
            return None;
        }
        let base = format!("{stem}{replacement}");
        let prefix = if last.starts_with("N.") { "North" } else { prefix };
        Some(if prefix.is_empty() { base } else { format!("{prefix} {base}") })
    })
}

fn looks_like_demonym(name: &str) -> bool {
    !name.contains(' ') && ["ian", "ese", "ish"].iter().any(|s| name.ends_with(s))
}

fn is_org_or_place_word(word: &str) -> bool {
    ORG_WORDS.contains(word) || PLACE_WORDS.contains(word) || ORG_SUFFIXES.contains(word)
}
