//! Text from the data (package names, sources, mirror names, techniques) is chosen by
//! attackers: every piece of it goes through one of these before it reaches a report.

/// Escape text for HTML and SVG, in element content and in quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML (the SVG) and mean nothing here.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escape text for a Markdown table cell: no markup, no raw HTML, no cell or row breaks.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Cut attacker-sized text to what a chart label can show.
pub fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_tags_and_quotes_are_inert() {
        assert_eq!(
            escape_html("<script>alert('x')</script>&\"\u{0}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot; "
        );
        assert_eq!(escape_html("requests-2"), "requests-2");
    }

    #[test]
    fn markdown_cells_cannot_break_out() {
        assert_eq!(
            escape_markdown("a|b <img src=x> [l](u)\n"),
            "a\\|b &lt;img src=x&gt; \\[l\\](u) "
        );
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("ab", 3), "ab");
    }
}
