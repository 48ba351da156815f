//! Letters that look Latin but are not, folded to the Latin letter they imitate. PEP 503
//! normalisation leaves them alone, so `requеsts` (Cyrillic `е`) is a different project
//! from `requests` to the index, and the same one to a reader.

/// The name with look-alike letters (Cyrillic, Greek, full-width, mathematical) replaced by
/// the Latin letters they imitate.
pub fn fold_lookalikes(name: &str) -> String {
    name.chars().map(fold).collect()
}

fn fold(c: char) -> char {
    match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ι' | 'ı' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'ӏ' => 'l',
        'м' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' | 'ս' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'ᴢ' => 'z',
        // Full-width forms and mathematical alphanumerics: the letter they decorate.
        c @ '\u{FF41}'..='\u{FF5A}' => char::from_u32(c as u32 - 0xFF41 + 'a' as u32).unwrap_or(c),
        c @ '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFF10 + '0' as u32).unwrap_or(c),
        c @ '\u{1D400}'..='\u{1D6A3}' => {
            // 52 letters per alphabet (A-Z, a-z), alphabets in a row.
            let i = (c as u32 - 0x1D400) % 52;
            let base = if i < 26 { 'a' as u32 } else { 'a' as u32 - 26 };
            char::from_u32(base + i).unwrap_or(c)
        }
        c => c,
    }
}
