//! The state a parse builds: shared by the block pass (`block`) and the inline pass
//! (`inline`), which each add their own methods, so neither depends on the other for it.

use super::{SyntaxError, SyntaxFile, TextRange};

pub(super) struct Parser<'a> {
    pub text: &'a str,
    pub bytes: &'a [u8],
    pub mask: Vec<u8>,
    pub file: SyntaxFile,
}

impl Parser<'_> {
    pub fn mask_with(&mut self, range: TextRange, byte: u8) {
        self.mask[range.start..range.end].fill(byte);
    }

    pub fn error(&mut self, range: TextRange, message: String) {
        self.file.errors.push(SyntaxError { range, message });
    }
}
