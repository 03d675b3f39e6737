/** TUN device access (FFM) and its binding to Netty's epoll event loop. */
package io.synpipe.tun;
