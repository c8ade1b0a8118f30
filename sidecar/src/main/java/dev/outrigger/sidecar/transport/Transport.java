package dev.outrigger.sidecar.transport;

import dev.outrigger.sidecar.snapshot.ServerSettings;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The I/O transport the process runs on: Linux epoll when its native library loads, Java NIO
 * otherwise. Chosen once at start-up; every channel and event loop comes from here.
 *
 * @param name "epoll" or "nio"
 * @param ioHandlerFactory creates the event loops' I/O handlers
 * @param serverChannelClass the listening socket type
 * @param socketChannelClass the connection socket type
 */
public record Transport(
        String name,
        IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerChannel> serverChannelClass,
        Class<? extends SocketChannel> socketChannelClass) {

    /** The transport for a preference; EPOLL fails when epoll cannot load, AUTO falls back to NIO. */
    public static Transport select(ServerSettings.Transport preference) {
        boolean epoll = preference != ServerSettings.Transport.NIO && Epoll.isAvailable();
        if (preference == ServerSettings.Transport.EPOLL && !epoll) {
            throw new IllegalStateException("transport EPOLL was requested but epoll is unavailable: "
                    + Epoll.unavailabilityCause());
        }
        return epoll ? epoll() : nio();
    }

    /** Java NIO, available everywhere. */
    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    private static Transport epoll() {
        return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class);
    }

    /** A group of {@code threads} event loops named {@code name-N}. */
    public EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandlerFactory);
    }
}
