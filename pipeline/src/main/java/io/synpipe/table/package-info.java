/** The off-heap connection table: TCBs in one slab, found by 4-tuple through an open-addressing index. */
package io.synpipe.table;
