//! The resources Charter creates.
