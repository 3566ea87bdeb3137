//! Replay: serve a saved blog or an archive as a Tistory blog on 127.0.0.1.
