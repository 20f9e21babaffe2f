import { Logger } from '@nestjs/common';
import { logCreator, logLevel } from 'kafkajs';

/** Routes kafkajs's own log lines into the service logger (pino), tagged with their namespace. */
export const kafkaLogCreator: logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ namespace, level, log }) => {
    const { message, ...fields } = log;
    const entry = { namespace, ...fields };
    if (level === logLevel.ERROR) logger.error(entry, message);
    else if (level === logLevel.WARN) logger.warn(entry, message);
    else logger.debug?.(entry, message);
  };
};
