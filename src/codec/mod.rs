//! How a record is stored, apart from what it is (`model`): the YAML that
//! lsms writes (`yaml_write`), the one-pass reader for exactly that YAML
//! (`lex`, with the record's declaration in `schema`), the tree any other
//! YAML is read into (`node`), and the cache's binary form (`binary`).
//! Pure: text and bytes in and out, no files.

pub mod binary;
pub mod cell;
pub mod lex;
pub mod load;
pub mod node;
pub mod record;
pub mod schema;
pub mod yaml_write;

#[cfg(test)]
pub(crate) mod arbitrary;
#[cfg(test)]
mod proptests;
