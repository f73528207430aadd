import { writeFileSync } from 'node:fs';
import { checkFleet } from '../../../src/checker';
import { cardSize, hostCard, pairCard, scanCard } from '../../../src/render/cards';
import { demoCtx, demoHost, demoPair, demoSnapshot, largeFleet } from './support';
test('dump', () => {
  const p = pairCard(demoPair('GOGO-3', 'GOGO-4'), demoCtx);
  const ps = pairCard(demoPair('GOGO-3', 'GOGO-4', {storage: true, fileServers: ['FHOST1']}), demoCtx);
  const h = hostCard(demoHost('GOGO-3'), demoCtx);
  const s = scanCard(checkFleet(demoSnapshot()), demoCtx);
  const big = scanCard(largeFleet().report, demoCtx);
  writeFileSync('/tmp/pair.json', JSON.stringify(p, null, 2));
  writeFileSync('/tmp/scan-big.json', JSON.stringify(big, null, 2));
  console.log({ pair: cardSize(p), pairStorage: cardSize(ps), host: cardSize(h), scan: cardSize(s), big: cardSize(big) });
});
