"""What several test modules share (fakes, readers, checks): imported from here, never from
another test module, so each test module can be read, run and moved on its own."""
