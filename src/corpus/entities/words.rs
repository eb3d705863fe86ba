//! Closed word lists of English used by entity extraction: function words, titles, and the words that mark
//! organisations and places. They describe the language, not any corpus.

use rustc_hash::FxHashSet as HashSet;
use std::sync::LazyLock;

/// A set of lowercase words, written as one string so that the lists stay readable.
pub(super) struct Words(LazyLock<WordSet>);

/// The words, and for each length up to 31 the first letters (a bit per letter) of the words of that length:
/// most words looked up are in no list, and the mask turns them away without hashing.
pub(super) struct WordSet {
    words: HashSet<&'static str>,
    first_letters: [u32; 32],
}

impl WordSet {
    fn new(text: &'static str) -> WordSet {
        let words: HashSet<&'static str> = text.split_whitespace().collect();
        let mut first_letters = [0u32; 32];
        for word in &words {
            first_letters[word.len().min(31)] |= letter_bit(word.as_bytes()[0]);
        }
        WordSet { words, first_letters }
    }
}

/// A bit for an ASCII letter in either case; every other byte shares the last bit.
fn letter_bit(byte: u8) -> u32 {
    match byte.to_ascii_lowercase() {
        b @ b'a'..=b'z' => 1 << (b - b'a'),
        _ => 1 << 31,
    }
}

impl Words {
    /// Whether `word`, in any case, is in the list. Short ASCII words (all of the lists) are lowercased on the
    /// stack: this runs for every capitalised word of the corpus.
    pub(super) fn contains(&self, word: &str) -> bool {
        let Some(&first) = word.as_bytes().first() else {
            return false;
        };
        if word.is_ascii() && self.0.first_letters[word.len().min(31)] & letter_bit(first) == 0 {
            return false;
        }
        let words = &self.0.words;
        if !word.bytes().any(|b| b.is_ascii_uppercase()) {
            return words.contains(word);
        }
        let mut buffer = [0u8; 24];
        match buffer.get_mut(..word.len()) {
            Some(lower) if word.is_ascii() => {
                lower.copy_from_slice(word.as_bytes());
                lower.make_ascii_lowercase();
                std::str::from_utf8(lower).is_ok_and(|lower| words.contains(lower))
            }
            _ => words.contains(word.to_lowercase().as_str()),
        }
    }
}

macro_rules! words {
    ($text:expr) => {
        Words(LazyLock::new(|| WordSet::new($text)))
    };
}

pub(super) static CONNECTORS: Words = words!("of de del von der van den da di du la le bin ibn al el y for");

pub(super) static NAME_PARTICLES: Words = words!("al el ad ar as at az bin ibn abu de da di van von");

pub(super) static PLACE_PREPOSITIONS: Words =
    words!("in at from near across into outside inside towards toward around throughout");

/// Honorifics and the last word of titles: a name follows them.
pub(super) static TITLE_HEADS: Words = words!(
    "mr mrs ms miss mx dr prof professor sir dame lord lady president minister secretary secretary-general general gen lt lieutenant colonel col major maj captain capt admiral adm sergeant sgt 
     chancellor senator sen representative rep governor gov mayor king queen prince princess pope 
     chairman chairwoman chairperson director ambassador commander spokesman spokeswoman spokesperson 
     premier judge justice advisor adviser envoy leader chief marshal officer deputy rev reverend father 
     sheikh emir ceo pm vice-president director-general attorney-general coordinator
     councillor councilor alderman mp mep congressman congresswoman inspector superintendent bishop rabbi imam"
);

/// Words that build titles with a head: "Foreign Secretary", "Prime Minister", "National Security Advisor".
pub(super) static TITLE_MODIFIERS: Words = words!(
    "foreign defence defense prime vice deputy acting former interior finance home state supreme chief 
     executive national security communications press senior army military first general lead principal 
     assistant special top"
);

pub(super) static ORG_SUFFIXES: Words = words!("group inc ltd corp company co plc llc pmc");

pub(super) static ORG_WORDS: Words = words!(
    "group council ministry agency department committee commission office organisation organization union 
     nations party army navy forces force guard police bank university institute company corporation news 
     times post press service services alliance association house court parliament congress senate 
     assembly board bureau centre center foundation fund staff chiefs command network media club league 
     government administration authority pentagon kremlin tribune herald journal express agency"
);

pub(super) static PLACE_WORDS: Words = words!(
    "republic kingdom states federation island islands sea ocean river mountains valley province region 
     oblast county city peninsula strait gulf bay lake coast north south east west emirates"
);

/// Function words that start sentences: a capital on them proves nothing.
pub(super) static STOPWORDS: Words = words!(
    "a an the this that these those in on at by for from to of with without as and but or nor so yet if 
     when while after before since because although though however meanwhile moreover also then there 
     here it its he she they we you his her their our your my i me him them us who what which where why 
     how all some many most more few several each every no not one two three about over under during 
     despite according amid among between into through until unless whether both either neither such 
     other another any only even still now today yesterday tomorrow last next earlier later once is are 
     was were be been has have had do does did will would can could should may might must shall let 
     please follow join read click photo photos video watch source updated published see like share new"
);

pub(super) static EXCLUDED: Words = words!(
    "i monday tuesday wednesday thursday friday saturday sunday january february march april june july 
     august september october november december jan feb mar apr jun jul aug sep sept oct nov dec mon tue 
     wed thu fri sat sun"
);

/// Abbreviations written with a full stop before a name: "St. Petersburg", "Mr. Kirby", "Gen. Ruiz".
pub(super) static NAME_ABBREVIATIONS: Words =
    words!("mr mrs ms dr prof st mt ft gen lt col sgt capt cpt maj adm gov sen rep rev hon pres");

/// Adjectives written after a hyphen and a name ("Moscow-based"), besides participles in "-ed" ("US-led").
pub(super) static HYPHEN_ADJECTIVES: Words =
    words!("based born run held like style made wide era owned friendly speaking bound linked made");

/// Function words that title case capitalises inside headlines ("Kapoor And Bhatt", "Sealed With A Kiss");
/// capitalised after another capitalised word, they end a name.
pub(super) static FUNCTION_WORDS: Words = words!("and or but nor with a an for to on in at by from as into via than");

/// Words after a place's name that name the same place: "Kursk Oblast" is Kursk.
pub(super) static PLACE_SUFFIXES: Words = words!("oblast province krai governorate prefecture county");

/// Words of movement before "to" and a place: "a visit to Pyongyang", "troops sent to Kursk".
pub(super) static MOVEMENT_WORDS: Words = words!(
    "visit visits visited trip trips travel travels travelled traveled sent send sending flew fly flight
     moved move deployed deployment returned return arrived journey journeys fled fleeing headed exported
     shipped delivered routes route road way"
);

/// Names whose type the text alone seldom shows: news writes "Moscow said" and "talks in Seoul", rarely "the
/// city of Moscow", and "Nato said". Complete lists, not a corpus's names: every UN member's and observer's
/// capital (multi-word names joined by `_`, with the spellings agencies use), and the intergovernmental bodies
/// news names by a short name or an acronym.
pub(super) static CAPITALS: Words = words!(
    "kabul tirana algiers andorra luanda buenos_aires yerevan canberra vienna baku nassau manama dhaka
     bridgetown minsk brussels belmopan porto-novo thimphu sucre la_paz sarajevo gaborone brasilia brasília
     bandar_seri_begawan sofia ouagadougou gitega bujumbura praia phnom_penh yaounde yaoundé ottawa bangui
     n'djamena ndjamena santiago beijing bogota bogotá moroni kinshasa brazzaville san_jose san_josé
     yamoussoukro abidjan zagreb havana nicosia prague copenhagen djibouti roseau santo_domingo quito cairo
     san_salvador malabo asmara tallinn mbabane addis_ababa suva helsinki paris libreville banjul tbilisi
     berlin accra athens st_george's guatemala_city conakry bissau georgetown port-au-prince budapest
     reykjavik new_delhi delhi jakarta tehran baghdad dublin jerusalem tel_aviv rome kingston tokyo amman
     astana nur-sultan nairobi tarawa pristina kuwait_city bishkek vientiane riga beirut maseru monrovia
     tripoli vaduz vilnius luxembourg antananarivo lilongwe kuala_lumpur male malé bamako valletta majuro
     nouakchott port_louis mexico_city palikir chisinau chișinău monaco ulaanbaatar ulan_bator podgorica
     rabat maputo naypyidaw nay_pyi_taw windhoek yaren kathmandu amsterdam the_hague wellington managua
     niamey abuja pyongyang skopje oslo muscat islamabad ngerulmud panama_city port_moresby asuncion
     asunción lima manila warsaw lisbon doha bucharest moscow kigali basseterre castries kingstown apia
     san_marino sao_tome são_tomé riyadh dakar belgrade victoria freetown singapore bratislava ljubljana
     honiara mogadishu pretoria cape_town bloemfontein seoul juba madrid colombo sri_jayawardenepura_kotte
     khartoum paramaribo stockholm bern berne damascus taipei dushanbe dodoma dar_es_salaam bangkok dili
     lome lomé nuku'alofa port_of_spain tunis ankara ashgabat funafuti kampala kyiv kiev abu_dhabi london
     washington montevideo tashkent port_vila vatican_city caracas hanoi sanaa sana'a lusaka harare
     ramallah"
);

/// Intergovernmental organisations and alliances known by a short name or an acronym, lower-cased.
pub(super) static BODIES: Words = words!(
    "nato otan un eu asean opec who imf wto iaea unesco unicef unhcr oecd osce g7 g8 g20 brics interpol
     sco csto gcc ecowas mercosur apec icc icj unsc undp wfp fao ilo itu au"
);

/// What a government does, after the capital that stands for it: "Moscow said", "Seoul has warned".
pub(super) static GOVERNMENT_VERBS: Words = words!(
    "said says denied denies warned warns accused accuses rejected rejects condemned condemns announced
     announces insisted insists claimed claims signed signs agreed agrees refused refuses demanded demands
     responded responds threatened threatens confirmed confirms sent sends supplied supplies urged urges
     called calls vowed vows"
);

/// Whether `name` (as written, any case) is a capital city in [`CAPITALS`].
pub(super) fn is_capital(name: &str) -> bool {
    CAPITALS.contains(&name.replace(' ', "_"))
}

/// Whether `name` (as written, any case) is an intergovernmental body in [`BODIES`].
pub(super) fn is_body(name: &str) -> bool {
    BODIES.contains(name)
}
