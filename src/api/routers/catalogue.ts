// For the OPAC and staff alike: a title's copies with their 資料の状態 (R-ITEM-2) and queue length
// (R-ITEM-3), and the pickup places (受取場所).
import { z } from 'zod';
import { pickupPlaces, titleAvailability } from '../../services/reservation-queries';
import { defineRoute, type RouteDef } from '../route';
import { PickupPlace, TitleAvailability, TitleId } from '../schemas';

export const catalogueRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/titles/{titleId}',
    operationId: 'getTitle',
    summary: 'A title’s copies with their status (書架, 禁帯, 貸出〇〇, 予受待, 予回送) and its queue',
    tag: 'Catalogue',
    auth: ['opac', 'staff'],
    params: z.strictObject({ titleId: TitleId }),
    success: { status: 200, description: 'The title', schema: TitleAvailability },
    responses: { 404: 'No such title' },
    async handler({ params, ctx }) {
      return { body: await titleAvailability(ctx.deps.db, params.titleId) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/pickup-places',
    operationId: 'listPickupPlaces',
    summary: 'Where a reservation can be collected: the prefectural library and the 59 cooperating libraries',
    tag: 'Catalogue',
    auth: ['opac', 'staff'],
    success: { status: 200, description: 'The places', schema: z.object({ items: z.array(PickupPlace) }) },
    async handler({ ctx }) {
      return { body: { items: await pickupPlaces(ctx.deps.db) } };
    },
  }),
];
