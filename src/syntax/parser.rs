//! The state a parse builds: shared by the block pass (`block`) and the inline pass
//! (`inline`), which each add their own methods, so neither depends on the other for it.

use super::{SyntaxError, SyntaxFile, TextRange};

pub(super) struct Parser<'a> {
    pub text: &'a str,
    pub bytes: &'a [u8],
    pub mask: Vec<u8>,
    pub file: SyntaxFile,
    /// Line starts where the block pass's state is as at the start of the body.
    pub checkpoints: Vec<usize>,
}

impl<'a> Parser<'a> {
    /// A parser of `text` whose mask starts as `mask` (the text itself, for a whole parse).
    pub fn new(text: &'a str, mask: Vec<u8>) -> Parser<'a> {
        Parser {
            text,
            bytes: text.as_bytes(),
            mask,
            file: SyntaxFile::default(),
            checkpoints: Vec::new(),
        }
    }

    pub fn mask_with(&mut self, range: TextRange, byte: u8) {
        self.mask[range.start..range.end].fill(byte);
    }

    pub fn error(&mut self, range: TextRange, message: String) {
        self.file.errors.push(SyntaxError { range, message });
    }

    /// The parse, with its mask and checkpoints and no spare capacity (a workspace keeps
    /// every parse for the whole session).
    pub fn finish(self) -> SyntaxFile {
        let Parser {
            text,
            mut file,
            mask,
            checkpoints,
            ..
        } = self;
        file.reparse.checkpoints = checkpoints;
        file.shrink();
        // Only whole characters are ever overwritten, with ASCII, so this cannot fail.
        file.prose_mask = String::from_utf8(mask).unwrap_or_else(|e| {
            debug_assert!(false, "prose mask split a character: {e}");
            " ".repeat(text.len())
        });
        file
    }
}
