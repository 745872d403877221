import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import { appRouter } from '../../src/routers/_app';
import { createCallerFactory, createContext } from '../../src/trpc';
import type { Workbench } from '../../src/workbench';

const createCaller = createCallerFactory(appRouter);

/** The whole API of a workbench, called in-process as the HTTP handler would. */
export const callerFor = (wb: Workbench, signal?: AbortSignal) =>
  createCaller(createContext(wb)(), signal ? { signal } : {});

/** The error a call throws, for asserting on its code and message. */
export async function failure(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TRPCError);
    return err as TRPCError;
  }
  throw new Error('expected the call to fail');
}
