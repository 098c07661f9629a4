/** Conformance group net_unix: AF_UNIX sockets and poll/epoll readiness (cases in net_unix_cases.ts). */
import test from 'ava';
import { conformance } from './harness.ts';
import { cases } from './net_unix_cases.ts';

conformance(test, 'net_unix', cases);
