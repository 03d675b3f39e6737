/** synpipe CLI and benchmarks. */
package io.synpipe;
