// PowerCut: an LD_PRELOAD shim for power-loss tests (see powercut.c for the model).
//
// It has no API: a test starts the process under test with
//   LD_PRELOAD=<.build/debug>/libPowerCut.so
//   POWERCUT_WATCH=<folder whose files are modelled>   (the daemon's state_dir)
//   POWERCUT_SHADOW=<folder for the durable images>    (created if missing)
// kills it with SIGKILL, and replaces every file of the watched folder with its shadow copy:
// that is the folder as a power cut at that moment would have left it.
#ifndef POWERCUT_H
#define POWERCUT_H

/// The environment variable naming the folder whose files are modelled.
#define POWERCUT_WATCH_VARIABLE "POWERCUT_WATCH"
/// The environment variable naming the folder that holds the durable image of each watched file.
#define POWERCUT_SHADOW_VARIABLE "POWERCUT_SHADOW"

#endif
