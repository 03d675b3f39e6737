/** In-memory network for tests and benchmarks: two engines back to back with seeded loss, duplication, reordering and delay. */
package io.synpipe.sim;
