/** Flyweights and codecs for IPv4, IPv6 and TCP headers. */
package io.synpipe.wire;
