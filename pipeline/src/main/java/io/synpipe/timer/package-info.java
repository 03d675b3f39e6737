/** Deadline timers for one engine thread: a hashed wheel for the hot path and a heap as the reference. */
package io.synpipe.timer;
