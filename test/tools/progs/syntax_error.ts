// A program that does not compile: privos run reports where, as a compiler does.
export default async function main(): Promise<number> {
  const x = ;
  return x;
}
