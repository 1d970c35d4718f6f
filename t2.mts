import { lintSource } from '@secretlint/core';
import { creator } from '@secretlint/secretlint-rule-preset-recommend';
const content = process.argv[2]!;
const r = await lintSource({ source: { filePath: '/virtual/env', content, contentType: 'text' }, options: { maskSecrets: true, noPhysicFilePath: true, config: { rules: [{ id: creator.meta.id, rule: creator as any }] } } });
console.log(JSON.stringify(r.messages.map(m => ({ ruleId: m.ruleId, messageId: m.messageId, range: m.range, message: m.message }))));
