// One branch's database in the Postgres engine (postgres.ts): its PGlite instance behind a
// PGLiteSocketServer on an internal port, and the two listeners (direct and pooled) that clients
// connect to. The listeners stay while the database behind them is replaced (a restore), so a
// branch's URLs never change; connections made while it starts are held until it is ready.
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { BranchDatabase, BranchDatabaseState, BranchDatabaseTimings } from '../postgres.js';

export const HOST = '127.0.0.1';

export class Branch implements BranchDatabase {
  state: BranchDatabaseState = 'starting';
  error?: Error;
  pglite: PGlite | undefined;
  readonly timings: BranchDatabaseTimings = {};
  readonly ready: Promise<void>;
  directPort = 0;
  pooledPort = 0;
  readonly host = HOST;
  private readonly listeners: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly held: net.Socket[] = [];
  private socketServer: PGLiteSocketServer | undefined;
  private internalPort = 0;
  private resolveReady!: () => void;
  private rejectReady!: (error: Error) => void;
  private teardown: Promise<void> | undefined;
  private creation: Promise<void> = Promise.resolve();
  /** Dumps of this instance under way (children being created); a replace waits for them. */
  private readonly dumps = new Set<Promise<Blob>>();

  constructor(
    readonly branchId: string,
    readonly parentId: string | undefined,
    readonly schemaOnly: boolean,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Whoever awaits `ready` sees a failure; nobody awaiting it is no unhandled rejection.
    this.ready.catch(() => undefined);
  }

  address(pooled: boolean): string {
    return `${this.host}:${pooled ? this.pooledPort : this.directPort}`;
  }

  /** Binds the direct and pooled listeners (the ports are known when this resolves). */
  async listen(): Promise<void> {
    const [direct, pooled] = await Promise.all([this.listener(), this.listener()]);
    this.directPort = direct;
    this.pooledPort = pooled;
  }

  private async listener(): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    this.listeners.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as net.AddressInfo).port;
  }

  private accept(socket: net.Socket): void {
    this.track(socket);
    socket.on('error', () => socket.destroy());
    if (this.state === 'ready') this.forward(socket);
    else if (this.state === 'starting') {
      // Nothing reads it until it is forwarded: the client's startup message waits in the socket.
      socket.pause();
      this.held.push(socket);
    } else socket.destroy();
  }

  private forward(socket: net.Socket): void {
    if (socket.destroyed) return;
    const upstream = net.connect(this.internalPort, HOST);
    this.track(upstream);
    upstream.on('error', () => socket.destroy());
    upstream.on('close', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    socket.pipe(upstream);
    upstream.pipe(socket);
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  /** Starts the database in the background; `ready` tells when it is done. */
  start(work: (branch: Branch) => Promise<void>): void {
    const began = Date.now();
    this.creation = work(this).then(
      () => {
        if (this.state !== 'starting') throw new Error(`branch ${this.branchId} was deleted while its database was starting`);
        this.state = 'ready';
        this.timings.readyMs = Date.now() - began;
        for (const socket of this.held.splice(0)) this.forward(socket);
        this.resolveReady();
      },
      (error: unknown) => {
        throw error instanceof Error ? error : new Error(String(error));
      },
    );
    this.creation.catch((error: Error) => {
      if (this.state === 'starting') {
        this.state = 'failed';
        this.error = error;
        for (const socket of this.held.splice(0)) socket.destroy();
      }
      this.rejectReady(error);
    });
  }

  /** A dump of the data directory as of now (statements queued later are not in it). */
  dump(): Promise<Blob> {
    const db = this.pglite;
    if (this.state !== 'ready' || !db) return Promise.reject(new Error(`branch ${this.branchId} has no running database (${this.state})`));
    const dump = db.dumpDataDir('none');
    this.dumps.add(dump);
    dump.then(
      () => this.dumps.delete(dump),
      () => this.dumps.delete(dump),
    );
    return dump;
  }

  /**
   * Replaces the database behind the same listeners (a restore): open connections drop, new ones
   * are held until the instance `open` starts is served. Resolves when it accepts connections.
   */
  replace(open: () => Promise<PGlite>, maxConnections: number): Promise<void> {
    if (this.state !== 'ready') return Promise.reject(new Error(`branch ${this.branchId} has no running database (${this.state})`));
    this.state = 'starting';
    this.dropConnections();
    const old = { server: this.socketServer, db: this.pglite };
    const work = (async () => {
      const db = await open();
      if (this.state === 'deleted') {
        await db.close();
        throw new Error(`branch ${this.branchId} was deleted while its database was being restored`);
      }
      this.pglite = db;
      await this.serve(db, maxConnections);
      // Children being created from the old data get their copy first.
      await Promise.allSettled([...this.dumps]);
      await old.server?.stop();
      await new Promise((resolve) => setImmediate(resolve));
      if (old.db && !old.db.closed) await old.db.close();
      if (this.state !== 'starting') throw new Error(`branch ${this.branchId} was deleted while its database was being restored`);
      this.state = 'ready';
      for (const socket of this.held.splice(0)) this.forward(socket);
    })();
    work.catch((error: unknown) => {
      if (this.state !== 'starting') return;
      this.state = 'failed';
      this.error = error instanceof Error ? error : new Error(String(error));
      for (const socket of this.held.splice(0)) socket.destroy();
    });
    this.creation = work.catch(() => undefined);
    return work;
  }

  /** Drops every open connection (the listeners keep accepting new ones). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Throws when the branch was deleted meanwhile (the creation stops there). */
  checkAlive(): void {
    if (this.state === 'deleted') throw new Error(`branch ${this.branchId} was deleted while its database was starting`);
  }

  async serve(db: PGlite, maxConnections: number): Promise<void> {
    const server = new PGLiteSocketServer({ db, host: HOST, port: 0, maxConnections });
    this.socketServer = server;
    await server.start();
    this.internalPort = Number(server.getServerConn().split(':').pop());
  }

  /** Closes the listeners at once (the URLs refuse connections), then the database. */
  delete(): Promise<void> {
    this.teardown ??= (async () => {
      this.state = 'deleted';
      // close() stops accepting at once; its callback waits for the open connections, destroyed here.
      const closed = Promise.all(this.listeners.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      for (const socket of this.sockets) socket.destroy();
      this.held.length = 0;
      await closed;
      // Whatever the creation got to, it stops at its next step; then close what it started.
      await this.creation.catch(() => undefined);
      if (this.socketServer) await this.socketServer.stop();
      const db = this.pglite;
      if (db && !db.closed) {
        // The socket handlers roll back a client's open transaction when they detach, a tick
        // after the socket closed; let them, then make sure before closing.
        await new Promise((resolve) => setImmediate(resolve));
        if (db.isInTransaction()) await db.exec('ROLLBACK').catch(() => undefined);
        await db.close();
      }
    })();
    return this.teardown;
  }
}
