//! The README's measured sections: a command writes its figures between two marks of its
//! own (`city bench --readme`, `city simulate --readme`), so no figure is typed by hand.

use anyhow::{anyhow, Result};

/// A section of the README that one command writes, between a begin and an end mark.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    /// The line that opens the section.
    pub begin: &'static str,
    /// The line that closes it.
    pub end: &'static str,
}

impl Section {
    /// What `readme` holds between the marks, without them.
    ///
    /// # Errors
    /// If `readme` lacks either mark.
    pub fn body<'a>(&self, readme: &'a str) -> Result<&'a str> {
        let (start, stop) = self.bounds(readme)?;
        Ok(&readme[start..stop])
    }

    /// `readme` with what is between the marks replaced by `body`.
    ///
    /// # Errors
    /// If `readme` lacks either mark.
    pub fn replace(&self, readme: &str, body: &str) -> Result<String> {
        let (start, stop) = self.bounds(readme)?;
        Ok(format!("{}{body}{}", &readme[..start], &readme[stop..]))
    }

    /// Where the body starts (after the begin mark's line) and ends (at the end mark).
    fn bounds(&self, readme: &str) -> Result<(usize, usize)> {
        let missing = |mark: &str| anyhow!("the README has no line {mark}");
        let start = readme.find(self.begin).ok_or_else(|| missing(self.begin))? + self.begin.len();
        let start = start + usize::from(readme[start..].starts_with('\n'));
        let stop = readme[start..]
            .find(self.end)
            .ok_or_else(|| missing(self.end))?
            + start;
        Ok((start, stop))
    }
}

/// `n` with a comma between each group of three digits, as the README writes numbers.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTION: Section = Section {
        begin: "<!-- begin -->",
        end: "<!-- end -->",
    };

    #[test]
    fn thousands_are_grouped_as_the_readme_writes_them() {
        let grouped = [0, 999, 1_000, 26_195, 1_836_562_469].map(thousands);
        assert_eq!(grouped, ["0", "999", "1,000", "26,195", "1,836,562,469"]);
    }

    #[test]
    fn a_section_is_replaced_between_its_marks_and_nowhere_else() {
        let readme = "intro\n<!-- begin -->\nold\n<!-- end -->\nafter\n";
        assert_eq!(SECTION.body(readme).unwrap(), "old\n");
        let written = SECTION.replace(readme, "new\n").unwrap();
        assert_eq!(written, "intro\n<!-- begin -->\nnew\n<!-- end -->\nafter\n");
        assert_eq!(SECTION.replace(&written, "new\n").unwrap(), written);
        assert!(SECTION.replace("no marks", "new\n").is_err());
        assert!(SECTION.body("<!-- begin -->\nno end").is_err());
    }
}
