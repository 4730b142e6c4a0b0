import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.js';
import { NodeRepository, type SlotWork } from '@tinysweep/db';
import { TrainerFleet, TrainerNodeInfoSchema, type TrainerNodeStatus } from '@tinysweep/fleet';

/** A node as `GET /nodes` serves it: its leases described. */
export type NodeView = Omit<TrainerNodeStatus, 'leases'> & { work: SlotWork[] };

/** How often a node's row in Postgres is refreshed; the live pool is in Redis, updated every beat. */
const PERSIST_EVERY_MS = 30_000;

@ApiTags('nodes')
@ApiBearerAuth()
@Controller('nodes')
export class NodesController {
  private readonly persistedAt = new Map<string, number>();

  constructor(
    @Inject(TrainerFleet) private readonly fleet: TrainerFleet,
    @Inject(NodeRepository) private readonly nodes: NodeRepository,
  ) {}

  @Get()
  @Access('read')
  @ApiOperation({ summary: 'Trainer nodes: device, slots busy and free and what each busy slot runs, heartbeat age, alive' })
  async list(): Promise<{ items: NodeView[] }> {
    const nodes = await this.fleet.nodes();
    const work = await this.nodes.describeLeases(nodes.flatMap((n) => n.leases));
    return {
      items: nodes.map(({ leases, ...n }) => ({ ...n, work: leases.map((l) => work.get(l)).filter((w) => w !== undefined) })),
    };
  }

  @Post('heartbeat')
  @Access('node')
  @HttpCode(204)
  @ApiOperation({ summary: "A trainer registers or refreshes itself (sent every few seconds); a node token's only call besides leave" })
  async heartbeat(@Body() body: unknown): Promise<void> {
    // The body is the node's one shape (TrainerNodeInfo), checked here where it enters.
    const parsed = TrainerNodeInfoSchema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new BadRequestException({ message: 'invalid heartbeat', issues });
    }
    const n = parsed.data;
    await this.fleet.heartbeat(n);
    const last = this.persistedAt.get(n.id) ?? 0;
    if (Date.now() - last > PERSIST_EVERY_MS) {
      this.persistedAt.set(n.id, Date.now());
      await this.nodes.upsert(n);
    }
  }

  @Post(':id/leave')
  @Access('node', 'admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'A trainer shutting down leaves the pool at once (node token), or an admin takes a node out' })
  async leave(@Param('id') id: string): Promise<void> {
    this.persistedAt.delete(id);
    await this.fleet.leave(id);
  }
}
