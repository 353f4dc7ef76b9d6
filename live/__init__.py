"""The live relay: one emitter from the change stream to every browser (via Socket.IO on Redis)."""
