//! A bar chart of final imbalance over simulated trials as a small standalone SVG, written by
//! hand (no font or plotting library: DESIGN §8 allows plotters' SVG backend, but a dozen
//! rectangles need none).

use std::fmt::Write as _;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 360.0;
const LEFT: f64 = 60.0;
const BOTTOM: f64 = 50.0;
const TOP: f64 = 40.0;
const RIGHT: f64 = 20.0;

/// Escapes text for an SVG text node.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An SVG histogram: one bar per (value, runs), labelled with the value.
pub fn histogram(title: &str, x_label: &str, bars: &[(f64, u32)]) -> String {
    let mut svg = String::new();
    let max_runs = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / bars.len().max(1) as f64;
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        svg,
        r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>"#
    );
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="22" text-anchor="middle" font-size="14">{}</text>"#,
        WIDTH / 2.0,
        escape(title)
    );
    let base = HEIGHT - BOTTOM;
    let _ = writeln!(
        svg,
        r#"<line x1="{LEFT}" y1="{base}" x2="{}" y2="{base}" stroke="black"/>"#,
        WIDTH - RIGHT
    );
    let _ = writeln!(
        svg,
        r#"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="black"/>"#
    );
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{TOP}" text-anchor="end">{max_runs}</text>"#,
        LEFT - 6.0
    );
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{base}" text-anchor="end">0</text>"#,
        LEFT - 6.0
    );
    let _ = writeln!(
        svg,
        r#"<text x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">runs</text>"#,
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0
    );
    for (i, (value, runs)) in bars.iter().enumerate() {
        let h = plot_h * f64::from(*runs) / f64::from(max_runs);
        let x = LEFT + slot * i as f64 + slot * 0.1;
        let _ = writeln!(
            svg,
            r##"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="#4a78a8"><title>{value}: {runs} runs</title></rect>"##,
            base - h,
            slot * 0.8
        );
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{value}</text>"#,
            x + slot * 0.4,
            base + 16.0
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 12.0,
        escape(x_label)
    );
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bar_per_value_tallest_at_full_height() {
        let svg = histogram("t <1>", "x", &[(0.0, 10), (2.0, 5)]);
        assert_eq!(svg.matches("<rect x=").count(), 2);
        assert!(svg.contains("height=\"270.0\""), "{svg}");
        assert!(svg.contains("height=\"135.0\""), "{svg}");
        assert!(svg.contains("t &lt;1&gt;"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    }
}
