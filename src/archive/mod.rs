//! The archive directory: the contract between stages. [`layout`] says where everything lives
//! (pure), [`store`] writes files so that a crash never leaves one half-written.

pub mod confine;
pub mod db;
pub mod extracted;
pub mod hash;
pub mod layout;
pub mod store;
