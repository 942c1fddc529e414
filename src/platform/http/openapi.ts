import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { SCOPES } from '../auth/scopes.ts';

export const API_VERSION = '1.0.0';

/** The OpenAPI 3.1 document is generated from the route schemas; `/docs` renders it. */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Backroom merchant API',
        version: API_VERSION,
        description:
          'The merchant API of Backroom, the open-source omnichannel retail back office. Dates are epoch ' +
          'milliseconds, money is integer minor units, errors are RFC 9457 problem details with a stable `code`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'From POST /oauth/token.',
          },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          oauth: {
            type: 'oauth2',
            flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: { ...SCOPES } } },
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
