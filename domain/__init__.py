"""Pure domain rules of the command center: stream contract, lifecycles, deadlines. No I/O."""
