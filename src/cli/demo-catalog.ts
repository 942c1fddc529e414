import type { NewAttributeSet } from '../modules/attribute-sets/schemas.ts';
import { createAttributeSet } from '../modules/attribute-sets/service.ts';
import type { NewCategory } from '../modules/categories/schemas.ts';
import { createCategory } from '../modules/categories/service.ts';
import { setStorePrices } from '../modules/prices/service.ts';
import { withCheckDigit } from '../modules/products/gtin.ts';
import type { NewProduct } from '../modules/products/schemas.ts';
import { saveProducts } from '../modules/products/service.ts';
import type { Ctx } from '../platform/context.ts';
import { Problem } from '../platform/http/problems.ts';
import { seedDemoStock } from './demo-stock.ts';

// The demo merchant's catalog: an outfitter with three departments, 26 styles and their variants by colour
// and size, about 200 products in all, each with GTIN, images, attributes and a list price.

const departments: NewCategory[] = [
  { categoryId: 'APPAREL', name: 'Apparel', position: 1, active: true },
  { categoryId: 'FOOTWEAR', name: 'Footwear', position: 2, active: true },
  { categoryId: 'ACCESSORIES', name: 'Accessories', position: 3, active: true },
];

const categories: NewCategory[] = [
  ['TOPS', 'Tops', 'APPAREL'],
  ['BOTTOMS', 'Bottoms', 'APPAREL'],
  ['OUTERWEAR', 'Outerwear', 'APPAREL'],
  ['SNEAKERS', 'Sneakers', 'FOOTWEAR'],
  ['BOOTS', 'Boots', 'FOOTWEAR'],
  ['BAGS', 'Bags', 'ACCESSORIES'],
  ['HATS', 'Hats and scarves', 'ACCESSORIES'],
  ['SMALL-GOODS', 'Belts and socks', 'ACCESSORIES'],
  ['NEW-ARRIVALS', 'New arrivals', 'APPAREL'],
].map(([categoryId, name, parentId], position) => ({
  categoryId: categoryId as string,
  name: name as string,
  parentId: parentId as string,
  position,
  active: true,
}));

const attributeSets: NewAttributeSet[] = [
  {
    attributeSetId: 'apparel',
    name: 'Apparel',
    attributes: [
      { code: 'material', label: 'Material', type: 'text', required: true },
      { code: 'fit', label: 'Fit', type: 'list', required: false, options: ['slim', 'regular', 'relaxed'] },
      { code: 'organic', label: 'Organic cotton', type: 'boolean', required: false },
    ],
  },
  {
    attributeSetId: 'footwear',
    name: 'Footwear',
    attributes: [
      { code: 'material', label: 'Upper material', type: 'text', required: true },
      { code: 'waterproof', label: 'Waterproof', type: 'boolean', required: false },
      { code: 'heel_height_mm', label: 'Heel height (mm)', type: 'number', required: false },
    ],
  },
  {
    attributeSetId: 'care',
    name: 'Care',
    attributes: [{ code: 'care', label: 'Care instructions', type: 'text', required: false }],
  },
];

interface Style {
  code: string;
  name: string;
  category: string;
  set: 'apparel' | 'footwear' | 'care';
  price: number;
  colours: string[];
  sizes: string[];
  material: string;
  extra?: Record<string, string | number | boolean>;
}

const apparelSizes = ['S', 'M', 'L', 'XL'];
const shoeSizes = ['8', '9', '10', '11', '12'];
const style = (
  code: string,
  name: string,
  category: string,
  price: number,
  colours: string[],
  sizes: string[],
  material: string,
  extra: Record<string, string | number | boolean> = {},
): Style => ({
  code,
  name,
  category,
  set: category === 'SNEAKERS' || category === 'BOOTS' ? 'footwear' : sizes.length > 1 ? 'apparel' : 'care',
  price,
  colours,
  sizes,
  material,
  extra,
});

const styles: Style[] = [
  style('TEE', 'Classic Tee', 'TOPS', 2400, ['Navy', 'White', 'Heather Grey'], apparelSizes, 'Cotton', {
    fit: 'regular',
    organic: true,
  }),
  style('OXF', 'Oxford Shirt', 'TOPS', 6800, ['Blue', 'White'], apparelSizes, 'Cotton', { fit: 'slim' }),
  style('LIN', 'Linen Shirt', 'TOPS', 7400, ['White', 'Sage'], apparelSizes, 'Linen', { fit: 'relaxed' }),
  style('POLO', 'Piqué Polo', 'TOPS', 4800, ['Navy', 'White', 'Green'], apparelSizes, 'Cotton', {
    fit: 'slim',
  }),
  style('MER', 'Merino Crew Sweater', 'TOPS', 9800, ['Charcoal', 'Oat'], apparelSizes, 'Merino wool'),
  style('HOOD', 'Fleece Hoodie', 'TOPS', 6400, ['Grey', 'Black', 'Navy'], apparelSizes, 'Cotton fleece'),
  style(
    'CHN',
    'Slim Chino',
    'BOTTOMS',
    7800,
    ['Khaki', 'Navy', 'Olive'],
    ['30', '32', '34', '36'],
    'Cotton twill',
    {
      fit: 'slim',
    },
  ),
  style('JEAN', 'Selvedge Jean', 'BOTTOMS', 12800, ['Indigo', 'Black'], ['30', '32', '34', '36'], 'Denim'),
  style('CARGO', 'Cargo Pant', 'BOTTOMS', 8800, ['Olive', 'Black'], ['30', '32', '34', '36'], 'Ripstop'),
  style('SHORT', 'Trail Short', 'BOTTOMS', 5200, ['Sand', 'Slate'], apparelSizes, 'Nylon'),
  style('RAIN', 'Rain Shell', 'OUTERWEAR', 14800, ['Yellow', 'Black'], apparelSizes, 'Recycled nylon'),
  style('PARKA', 'Down Parka', 'OUTERWEAR', 29800, ['Black', 'Forest'], apparelSizes, 'Nylon, down fill'),
  style('FLC', 'Fleece Jacket', 'OUTERWEAR', 9800, ['Grey', 'Navy'], apparelSizes, 'Polyester fleece'),
  style('DNMJ', 'Denim Jacket', 'OUTERWEAR', 11800, ['Indigo'], apparelSizes, 'Denim'),
  style('COURT', 'Court Sneaker', 'SNEAKERS', 9500, ['White', 'Black'], shoeSizes, 'Leather', {
    heel_height_mm: 25,
  }),
  style('RUN', 'Everyday Runner', 'SNEAKERS', 11000, ['Blue', 'Grey'], shoeSizes, 'Knit mesh'),
  style('SLIP', 'Canvas Slip-on', 'SNEAKERS', 5500, ['Navy', 'Grey'], shoeSizes, 'Canvas'),
  style('CHEL', 'Chelsea Boot', 'BOOTS', 18500, ['Brown', 'Black'], shoeSizes, 'Suede', {
    heel_height_mm: 30,
  }),
  style('HIKE', 'Hiking Boot', 'BOOTS', 16500, ['Brown'], shoeSizes, 'Leather', { waterproof: true }),
  style('TOTE', 'Canvas Tote', 'BAGS', 3200, ['Natural', 'Black', 'Navy'], ['OS'], 'Canvas'),
  style('PACK', 'Daypack 20L', 'BAGS', 7800, ['Black', 'Olive', 'Red'], ['OS'], 'Recycled polyester'),
  style('BEAN', 'Wool Beanie', 'HATS', 2800, ['Grey', 'Navy', 'Red', 'Black'], ['OS'], 'Wool'),
  style('CAP', 'Baseball Cap', 'HATS', 2600, ['Navy', 'Khaki', 'Black'], ['OS'], 'Cotton'),
  style('SCARF', 'Lambswool Scarf', 'HATS', 4500, ['Camel', 'Grey'], ['OS'], 'Lambswool'),
  style('BELT', 'Leather Belt', 'SMALL-GOODS', 4200, ['Brown', 'Black'], ['S', 'M', 'L'], 'Leather'),
  style('SOCK', 'Crew Socks 3-pack', 'SMALL-GOODS', 1800, ['Grey', 'Black'], ['M', 'L'], 'Cotton blend'),
];

/** An EAN-13 in the merchant's GS1 prefix with the right check digit. */
function gtin(sequence: number): string {
  return withCheckDigit(`084000${String(sequence).padStart(6, '0')}`);
}

const slug = (text: string) => text.toUpperCase().replace(/[^A-Z0-9]+/g, '');

export function demoProducts(): NewProduct[] {
  let sequence = 0;
  return styles.flatMap((s) =>
    s.colours.flatMap((colour) =>
      s.sizes.map((size): NewProduct => {
        sequence += 1;
        const productId = size === 'OS' ? `${s.code}-${slug(colour)}` : `${s.code}-${slug(colour)}-${size}`;
        const image = `https://images.demo.example/products/${s.code.toLowerCase()}-${slug(colour).toLowerCase()}`;
        return {
          productId,
          sku: productId,
          gtins: [gtin(sequence)],
          name: `${s.name}, ${colour}${size === 'OS' ? '' : `, ${size}`}`,
          description: `<p>The ${s.name.toLowerCase()} in ${colour.toLowerCase()}.</p><ul><li>${s.material}</li></ul>`,
          brand: 'Demo Outfitters',
          manufacturer: 'Demo Outfitters Ltd',
          status: 'active',
          taxClass: 'standard',
          variantGroupId: s.code,
          variantAttributes: size === 'OS' ? { colour } : { colour, size },
          categoryIds:
            sequence % 9 === 0 && s.set === 'apparel' ? [s.category, 'NEW-ARRIVALS'] : [s.category],
          attributeSetIds: s.set === 'care' ? ['care'] : [s.set, 'care'],
          attributes: {
            ...(s.set === 'care' ? {} : { material: s.material }),
            ...s.extra,
            care: s.set === 'footwear' ? 'Wipe clean' : 'Machine wash cold',
          },
          images: [
            { url: `${image}.jpg`, alt: `${s.name} in ${colour}`, primary: true },
            { url: `${image}-detail.jpg`, alt: `${s.name} detail` },
          ],
          weightGrams: s.set === 'footwear' ? 900 : 300,
          listPrice: s.price,
          currency: 'USD',
        };
      }),
    ),
  );
}

function unlessExists(error: unknown): undefined {
  if (error instanceof Problem && error.code === 'already_exists') return undefined;
  throw error;
}

const DAY = 86_400_000;

/**
 * Store prices: outerwear is 25% off online and on Broadway for two weeks from the day the demo is seeded,
 * and Chicago sells tees for a dollar less.
 */
function demoStorePrices(products: readonly NewProduct[], now: Date) {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const outerwear = products.filter((product) => product.categoryIds?.includes('OUTERWEAR'));
  const sale = ['WEB', 'NYC-01'].flatMap((storeId) =>
    outerwear.map((product) => ({
      storeId,
      productId: product.productId,
      salePrice: Math.round(((product.listPrice ?? 0) * 0.75) / 100) * 100 - 1,
      saleStartsAt: start,
      saleEndsAt: start + 14 * DAY,
      promoBannerText: 'Winter sale: 25% off outerwear',
    })),
  );
  const chicago = products
    .filter((product) => product.variantGroupId === 'TEE')
    .map((product) => ({
      storeId: 'CHI-01',
      productId: product.productId,
      listPrice: (product.listPrice ?? 0) - 100,
    }));
  return [...sale, ...chicago];
}

/** Loads the demo catalog, its store prices and stock; what is already there and unchanged is left alone. */
export async function seedDemoCatalog(ctx: Ctx): Promise<number> {
  for (const category of [...departments, ...categories])
    await createCategory(ctx, category).catch(unlessExists);
  for (const set of attributeSets) await createAttributeSet(ctx, set).catch(unlessExists);
  const products = demoProducts();
  const { summary } = await saveProducts(ctx, products);
  if (summary.failed > 0) throw new Error(`${summary.failed} demo products were refused`);
  await setStorePrices(ctx, demoStorePrices(products, ctx.now()), true);
  await seedDemoStock(ctx, products);
  return products.length;
}
