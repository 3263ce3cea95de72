// Rewrites the tables of lib/README.md's "What a student reads" from the imports: the file that defines fit() or
// experiment() and, transitively, the lib files it imports at run time, with their line counts. Run it after changing
// those files (node scripts/reading-paths.js); test/lib-structure.test.ts computes the same and fails when they differ.
const fs=require("fs"),path=require("path");const LIB=path.resolve("lib");
function imports(file){const src=fs.readFileSync(path.join(LIB,file+".ts"),"utf8");const out=[];
 for(const m of src.matchAll(/^(import|export)\s+(type\s+)?(?:([^;]*?)\s+from\s+)?"([^"]*)"/gms)){ if(!m[4].startsWith("."))continue;
  const what=m[3]??"";const names=what.match(/\{([^}]*)\}/)?.[1];
  const allTypes=names!==undefined&&!what.replace(/\{[^}]*\}/,"").trim().replace(/,$/,"")&&names.split(",").every(n=>n.trim()===""||/^type\s/.test(n.trim()));
  const p=path.posix.normalize(path.posix.join(path.posix.dirname(file),m[4]));const to=fs.existsSync(path.join(LIB,p+".ts"))?p:p+"/index";
  if(!(m[2]||allTypes))out.push(to);}
 for(const m of src.matchAll(/\brequire\("(\.[^"]*)"\)/g)){const p=path.posix.normalize(path.posix.join(path.posix.dirname(file),m[1]));out.push(fs.existsSync(path.join(LIB,p+".ts"))?p:p+"/index");}
 return out;}
const lc=f=>fs.readFileSync(path.join(LIB,f+".ts"),"utf8").split("\n").length-1;
function rp(e){const seen=[];const todo=[e];while(todo.length){const f=todo.shift();if(seen.includes(f))continue;seen.push(f);todo.push(...imports(f));}return seen;}
function table(files){const t=files.reduce((s,f)=>s+lc(f),0);return ["| file | lines |","|---|---:|",...files.map(f=>`| \`lib/${f}.ts\` | ${lc(f)} |`),`| total | ${t.toLocaleString("en-US")} |`].join("\n");}
let s=fs.readFileSync(path.join(LIB,"README.md"),"utf8");
for(const [n,e] of [["fit()","core/train"],["experiment()","core/experiment"]]){
 const re=new RegExp(`(<!-- reading path: ${n.replace(/[()]/g,"\\$&")} [^>]*-->\\n)[\\s\\S]*?(<!-- end -->)`);
 s=s.replace(re,(_,a,b)=>a+table(rp(e))+"\n"+b);}
fs.writeFileSync(path.join(LIB,"README.md"),s);
